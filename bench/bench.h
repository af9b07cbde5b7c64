/*
 * bench.h - timing helpers shared by the benchmarks.
 *
 * A benchmark prints one line per figure: name, operations, seconds and the
 * rate, so docs/PERFORMANCE.md can quote them. Nothing is asserted.
 */
#ifndef LRS_BENCH_H
#define LRS_BENCH_H

#include <stdint.h>

/** Monotonic time in nanoseconds. */
uint64_t bench_now_ns(void);

/** Print "name: N ops in S s = R ops/s". */
void bench_report(const char *name, uint64_t ops, uint64_t elapsed_ns);

/** Keep the compiler from discarding a computed value. */
void bench_sink(uint64_t v);

#endif /* LRS_BENCH_H */
