# A thin wrapper for the two commands of the README. The build is CMake's.
#   make demo   install what is missing, build, run strata on a bundled incident
#               and write its incident report (build/demo-report.md)
#   make test   install what is missing, build with sanitizers, run the tests
BUILD ?= build
SAN_BUILD ?= build-san
DEMO ?= fixtures/incidents/job-succeeded-wrong
REPORT ?= $(BUILD)/demo-report.md

.PHONY: all deps build demo test clean

all: build

deps:
	@scripts/install-deps

build:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j

# On a terminal the demo is the viewer (h: the hints panel, Enter: jump to
# the cause, H: every key); elsewhere what the viewer would show, printed.
demo: deps build
	@$(BUILD)/strata report -o $(REPORT) $(DEMO)
	@if [ -t 0 ] && [ -t 1 ]; then \
		echo "The incident report (a Markdown postmortem draft) is in $(REPORT)."; \
		echo "Opening the viewer on $(DEMO): h shows the hints, Enter jumps to the cause, H lists the keys, q quits."; \
		sleep 1; exec $(BUILD)/strata $(DEMO); \
	fi
	@echo '$$ strata stats $(DEMO)'
	@$(BUILD)/strata stats $(DEMO)
	@echo
	@echo '$$ strata hints $(DEMO)'
	@$(BUILD)/strata hints $(DEMO)
	@echo
	@echo '$$ strata print $(DEMO)'
	@$(BUILD)/strata print $(DEMO)
	@echo
	@echo '$$ strata report -o $(REPORT) $(DEMO)   (its likely causes:)'
	@sed -n '/^## Likely causes/,/^Evidence:/p' $(REPORT)
	@echo "The whole report (a Markdown postmortem draft) is in $(REPORT)."

test: deps
	cmake -S . -B $(SAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSTRATA_SANITIZE=ON >/dev/null
	cmake --build $(SAN_BUILD) -j
	cd $(SAN_BUILD) && ctest --output-on-failure

clean:
	rm -rf $(BUILD) $(SAN_BUILD)
