# A thin wrapper for the two commands of the README. The build is CMake's.
#   make demo   install what is missing, build, run strata on a bundled incident
#   make test   install what is missing, build with sanitizers, run the tests
BUILD ?= build
SAN_BUILD ?= build-san
DEMO ?= fixtures/incidents/job-succeeded-wrong

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
	@if [ -t 0 ] && [ -t 1 ]; then \
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

test: deps
	cmake -S . -B $(SAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSTRATA_SANITIZE=ON >/dev/null
	cmake --build $(SAN_BUILD) -j
	cd $(SAN_BUILD) && ctest --output-on-failure

clean:
	rm -rf $(BUILD) $(SAN_BUILD)
