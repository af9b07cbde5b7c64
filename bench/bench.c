/* bench.c - timing helpers shared by the benchmarks. */
#include "bench.h"

#include <stdio.h>
#include <time.h>

volatile uint64_t bench_sink_value;

uint64_t bench_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void bench_report(const char *name, uint64_t ops, uint64_t elapsed_ns)
{
    const double s = (double)elapsed_ns / 1e9;

    printf("%-40s %12llu ops in %8.3f s = %14.0f ops/s\n", name,
           (unsigned long long)ops, s, s > 0 ? (double)ops / s : 0.0);
}

void bench_sink(uint64_t v)
{
    bench_sink_value += v;
}
