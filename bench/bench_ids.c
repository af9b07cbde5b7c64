/*
 * bench_ids.c - throughput of the identifier checks: ULN validations, ULN
 * issues and postcode parses per second.
 */
#include "bench.h"

#include <lrs/ids.h>

#include <stdio.h>

static void bench_uln_check(void)
{
    static const char *const ulns[] = {
        "1000000043", "1748529632", "1026893096", "6936002314",
        "4444599390", "1000000063", "1748529631", "9999999999",
    };
    const uint64_t n = 20000000;
    uint64_t ok = 0;
    const uint64_t t0 = bench_now_ns();

    for (uint64_t i = 0; i < n; i++) {
        const struct lrs_str s = lrs_str_c(ulns[i % 8]);

        ok += lrs_uln_check(s, NULL) == LRS_OK;
    }
    bench_report("uln check", n, bench_now_ns() - t0);
    bench_sink(ok);
}

static void bench_uln_issue(void)
{
    struct lrs_uln_key key;
    const uint64_t n = 2000000;
    uint64_t counter = 0, sum = 0;
    uint64_t t0;

    for (size_t i = 0; i < sizeof key.bytes; i++)
        key.bytes[i] = (uint8_t)(i * 37 + 11);
    t0 = bench_now_ns();
    for (uint64_t i = 0; i < n; i++) {
        char out[LRS_ULN_LEN + 1];

        if (lrs_uln_issue(&key, &counter, out) != LRS_OK)
            break;
        sum += (uint64_t)out[9];
    }
    bench_report("uln issue", n, bench_now_ns() - t0);
    bench_sink(sum);
}

static void bench_postcode_parse(void)
{
    static const char *const codes[] = {
        "SW1A 1AA", "sw1a1aa",  "M1 1AE",  "B33 8TH",
        "CR2 6XH",  "DN55 1PT", "BFPO 57", "ZZ99 3VZ",
    };
    const uint64_t n = 10000000;
    uint64_t sum = 0;
    const uint64_t t0 = bench_now_ns();

    for (uint64_t i = 0; i < n; i++) {
        struct lrs_postcode pc;

        if (lrs_postcode_parse(lrs_str_c(codes[i % 8]), &pc, NULL) == LRS_OK)
            sum += pc.outward_len;
    }
    bench_report("postcode parse", n, bench_now_ns() - t0);
    bench_sink(sum);
}

int main(void)
{
    bench_uln_check();
    bench_uln_issue();
    bench_postcode_parse();
    return 0;
}
