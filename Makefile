# openlrs - the only file a newcomer needs. README.md explains the commands.
#
#   make run     install what is missing, build, run the main job
#   make test    every test (sanitizer build, fuzz corpora, short fuzz runs)
#   make bench   the benchmarks (figures printed, never asserted)
#   make fuzz    libFuzzer harnesses for FUZZ_SECONDS each (default 60)
#
# Build trees: build/ (release programs build/lrs and build/lrsd),
# build-test/ (debug, ASan + UBSan), build-fuzz/ (clang, libFuzzer).

BUILD_DIR := build
TEST_DIR  := build-test
FUZZ_DIR  := build-fuzz
FUZZ_SECONDS ?= 60

.PHONY: all deps build run test bench fuzz format checksrc clean

all: build

deps:
	@sh scripts/deps.sh

build: deps
	@sh scripts/setup-build.sh $(BUILD_DIR) -Dbuildtype=release -Dwerror=true \
		-Dtests=false
	@meson compile -C $(BUILD_DIR)

run: deps build
	@sh scripts/run.sh $(BUILD_DIR)

test: deps build
	@sh scripts/run-tests.sh $(TEST_DIR) $(FUZZ_DIR)

bench: deps build
	@sh scripts/run-bench.sh $(BUILD_DIR)

fuzz: deps
	@sh scripts/fuzz.sh $(FUZZ_DIR) $(FUZZ_SECONDS)

format:
	@sh scripts/format.sh

checksrc:
	@sh scripts/checksrc.sh

clean:
	rm -rf $(BUILD_DIR) $(TEST_DIR) $(FUZZ_DIR)
