/*
 * terraform.c: Terraform (and OpenTofu) changes, from `terraform apply`'s
 * output, plain, coloured or quoted in a CI log.
 *
 *   aws_db_instance.replica_west: Creating...
 *   module.db.aws_db_instance.main[0]: Modifications complete after 2s [id=db-1]
 *   Apply complete! Resources: 1 added, 2 changed, 0 destroyed.
 *
 * A resource's start ("Creating...", "Modifying...", "Destroying...") is
 * a change, and so is its completion: an apply that never finishes
 * (replica_west "Still creating..." for 45 minutes) has still begun to
 * change things. Progress lines, plans, refreshes and reads are not.
 */
#include "strata/classify.h"

/* a resource address: module path, data., type.name, index */
#define ADDR                                                                    \
	"(?:module\\.[\\w-]+(?:\\[[^\\]\\n]*\\])?\\.)*(?:data\\.)?[a-z][a-z0-9]*_[\\w-]+" \
	"\\.[\\w-]+(?:\\[[^\\]\\n]*\\])?"

static const struct st_rule rules[] = {
	{
		.name = "terraform-resource",
		.kind = ST_RULE_CHANGE,
		.needle = "Creating...|Modifying...|Destroying...|Creation complete|"
		          "Modifications complete|Destruction complete",
		/* after a blank, '|', '>' or a colour escape's final 'm' */
		.pattern = "(?:(?<=\\dm)|(?<![\\w.-]))(?<addr>" ADDR "): "
		           "(?:(?<verb>Creating|Modifying|Destroying)\\.\\.\\.|"
		           "(?<verb>Creation|Modifications|Destruction) complete)",
		.action = "{verb}",
		.object = "{addr}",
	},
	{
		.name = "terraform-apply-complete",
		.kind = ST_RULE_CHANGE,
		.needle = "Apply complete!|Destroy complete!",
		.pattern = "\\b(?<verb>Apply|Destroy) complete!(?: Resources: (?<summary>[^.\\n]+))?",
		.action = "{verb}",
		.object = "resources: {summary}",
	},
	{0},
};

const struct st_rule_family st_rules_terraform = {"terraform", rules};
