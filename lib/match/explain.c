/*
 * explain.c - a find result as a readable table or as JSON.
 *
 * Both renderings hold the same facts: the code, the thresholds in bits,
 * the counters, and per candidate the ULN, each field's level and weight,
 * any swapped-name penalty and the total. Neither holds personal data
 * other than ULNs, so the JSON needs no string escaping: every string is
 * a static level name or a run of digits.
 */
#include "base/base.h"

#include "match/match_int.h"

static const char *describe(enum lrs_match_code code)
{
    switch (code) {
    case LRS_MATCH_NONE:
        return "no match";
    case LRS_MATCH_TOO_MANY:
        return "too many matches";
    case LRS_MATCH_POSSIBLE:
        return "possible matches";
    case LRS_MATCH_EXACT:
        return "exact match";
    case LRS_MATCH_LINKED:
        return "linked learner found";
    default:
        return "?";
    }
}

static const struct {
    unsigned flag;
    const char *name;
} flag_names[] = {
    {LRS_MATCH_CAND_SWAPPED, "swapped"},
    {LRS_MATCH_CAND_MERGED, "merged"},
    {LRS_MATCH_CAND_VETO, "given_name_veto"},
    {LRS_MATCH_CAND_PREFERRED, "preferred_name"},
    {LRS_MATCH_CAND_WEAK, "weak"},
};

static enum lrs_err text_candidate(const struct lrs_match_candidate *c,
                                   struct lrs_buf *out)
{
    enum lrs_err err = lrs_buf_addf(out, "%010llu %7.2f",
                                    (unsigned long long)c->uln, c->score);

    for (int f = 0; !err && f < LRS_MATCH_FIELD__COUNT; f++)
        err = lrs_buf_addf(
            out, "  %-9s %+6.2f",
            lrs_match_level_name((enum lrs_match_field)f, c->level[f]),
            c->weight[f]);
    if (!err && (c->flags & LRS_MATCH_CAND_SWAPPED))
        err = lrs_buf_addf(out, "  swapped %+.2f", c->swap_weight);
    if (!err && (c->flags & LRS_MATCH_CAND_MERGED))
        err = lrs_buf_addf(out, "  via merged %010llu",
                           (unsigned long long)c->matched_uln);
    if (!err && (c->flags & LRS_MATCH_CAND_PREFERRED))
        err = lrs_buf_adds(out, "  preferred name");
    if (!err && (c->flags & LRS_MATCH_CAND_VETO))
        err = lrs_buf_adds(out, "  vetoed: never exact");
    if (!err && (c->flags & LRS_MATCH_CAND_WEAK))
        err = lrs_buf_adds(out, "  weak: other area or date");
    if (!err)
        err = lrs_buf_addch(out, '\n');
    return err;
}

enum lrs_err lrs_match_explain_text(const struct lrs_match_result *res,
                                    struct lrs_buf *out)
{
    enum lrs_err err;

    err = lrs_buf_addf(
        out,
        "%s %s (exact >= %.2f, weak >= %.2f, possible >= %.2f bits)\n"
        "blocks %llu, scored %llu, above possible %zu, "
        "oversized blocks %llu%s\n",
        lrs_match_code_name(res->code), describe(res->code), res->high,
        res->high_weak, res->low, (unsigned long long)res->blocks_probed,
        (unsigned long long)res->candidates_scored, res->above_low,
        (unsigned long long)res->blocks_oversized,
        res->candidates_capped ? ", candidates capped" : "");
    if (err || !res->candidate_count)
        return err;
    err = lrs_buf_addf(out, "%-10s %7s", "uln", "score");
    for (int f = 0; !err && f < LRS_MATCH_FIELD__COUNT; f++)
        err = lrs_buf_addf(out,
                           f + 1 < LRS_MATCH_FIELD__COUNT ? "  %-16s" : "  %s",
                           lrs_match_field_name((enum lrs_match_field)f));
    if (!err)
        err = lrs_buf_addch(out, '\n');
    for (size_t i = 0; !err && i < res->candidate_count; i++)
        err = text_candidate(&res->candidates[i], out);
    return err;
}

static enum lrs_err json_candidate(const struct lrs_match_candidate *c,
                                   struct lrs_buf *out)
{
    bool first = true;
    enum lrs_err err = lrs_buf_addf(
        out,
        "{\"uln\":\"%010llu\",\"matched_uln\":\"%010llu\",\"score\":%.4f,"
        "\"swap_weight\":%.4f,\"flags\":[",
        (unsigned long long)c->uln, (unsigned long long)c->matched_uln,
        c->score, c->swap_weight);

    for (size_t i = 0; !err && i < LRS_ARRAY_LEN(flag_names); i++) {
        if (!(c->flags & flag_names[i].flag))
            continue;
        err =
            lrs_buf_addf(out, "%s\"%s\"", first ? "" : ",", flag_names[i].name);
        first = false;
    }
    if (!err)
        err = lrs_buf_adds(out, "],\"fields\":{");
    for (int f = 0; !err && f < LRS_MATCH_FIELD__COUNT; f++)
        err = lrs_buf_addf(
            out, "%s\"%s\":{\"level\":\"%s\",\"weight\":%.4f}", f ? "," : "",
            lrs_match_field_name((enum lrs_match_field)f),
            lrs_match_level_name((enum lrs_match_field)f, c->level[f]),
            c->weight[f]);
    if (!err)
        err = lrs_buf_adds(out, "}}");
    return err;
}

enum lrs_err lrs_match_explain_json(const struct lrs_match_result *res,
                                    struct lrs_buf *out)
{
    enum lrs_err err = lrs_buf_addf(
        out,
        "{\"code\":\"%s\",\"description\":\"%s\",\"high\":%.4f,"
        "\"high_weak\":%.4f,\"low\":%.4f,\"counters\":{\"blocks_probed\":%llu,"
        "\"candidates_scored\":%llu,\"above_low\":%zu,\"excluded\":%llu,"
        "\"blocks_oversized\":%llu,\"candidates_capped\":%s},"
        "\"candidates\":[",
        lrs_match_code_name(res->code), describe(res->code), res->high,
        res->high_weak, res->low, (unsigned long long)res->blocks_probed,
        (unsigned long long)res->candidates_scored, res->above_low,
        (unsigned long long)res->excluded,
        (unsigned long long)res->blocks_oversized,
        res->candidates_capped ? "true" : "false");

    for (size_t i = 0; !err && i < res->candidate_count; i++) {
        if (i)
            err = lrs_buf_addch(out, ',');
        if (!err)
            err = json_candidate(&res->candidates[i], out);
    }
    if (!err)
        err = lrs_buf_adds(out, "]}");
    return err;
}
