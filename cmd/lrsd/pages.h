/*
 * pages.h - the web pages of lrsd: server-rendered HTML in the GOV.UK
 * style, for people in a browser (docs/web.md).
 *
 *   html.c            the HTML builder (every inserted value escaped), the
 *                     page template and the GOV.UK components
 *   form.c            form bodies: urlencoded and multipart (form.h, no
 *                     HTTP types, so that fuzz/fuzz_form.c runs it)
 *   pages_form.c      reading a request's form, the page session (sign-in
 *                     cookie, CSRF, agreement), redirects
 *   pages.c           sign in and out, the user agreement, welcome, a
 *                     change of password
 *   pages_learners.c  find, view, amend and register learners
 *   pages_batch.c     S2S: upload a CTF, files and their progress,
 *                     exceptions and their resolution, downloads (the
 *                     jobs run in lrsd's batch worker, worker.c)
 *   pages_me.c        a learner's own record and PLR, their choice of
 *                     who may read it, share links, the printable PLR,
 *                     and the public page a share link opens
 *   pages_signup.c    sign-up codes for learners, and a learner creating
 *                     their own account with one
 *   pages_verify.c    verify a learner (verifyLearner), or a file of
 *                     them (batch verification), for AOs
 *   pages_school.c    the school side: the pupil roster, the ULN-request
 *                     CTF, the returned CTF's import, census readiness,
 *                     privacy notices (lrs/school.h)
 *   pages_index.c     the match index that searches and the worker use
 *   web_assets.c      the web root and the GOV.UK Frontend files
 *
 * The pages are a second face of the same service: they call the same
 * lrs_service_*() functions as the JSON API, check every field on the
 * server, and never trust anything the browser sends. They need no
 * JavaScript: GOV.UK Frontend's script only enhances them.
 *
 * Page routes are public in the route table (roles 0), so that a request
 * without a session is sent to the sign-in page instead of answered with
 * a JSON 401; each handler calls page_begin_auth() with its roles.
 *
 * Threads: as lrsd.h. A struct page belongs to its request's thread; the
 * match index (pages_index.c) locks itself.
 */
#ifndef LRSD_PAGES_H
#define LRSD_PAGES_H

#include "form.h"
#include "lrsd.h"

#include <lrs/accounts.h>
#include <lrs/auth.h>
#include <lrs/batch.h>
#include <lrs/ctf.h>
#include <lrs/match.h>
#include <lrs/plr.h>

/* ------------------------------------------------------------------ */
/* Set-up (web_assets.c)                                              */
/* ------------------------------------------------------------------ */

/**
 * Find the web root
 * (docs/web.md: `web_root` from --web-root (borrowed
 * for the call), else share/openlrs/web
 * beside the program's bin/, else the source tree's web/ the build came
 * from) and keep the settings. Logs where the assets are, or a warning
 * when GOV.UK Frontend is missing (the pages then work unstyled).
 */
void lrsd_web_init(const char *web_root);

/** Free the match index of the pages. */
void lrsd_web_release(void);

/* ------------------------------------------------------------------ */
/* HTML (html.c)                                                      */
/* ------------------------------------------------------------------ */

/** One field error: the field's id (the input's id) and its message. */
struct page_error {
    const char *field; /* static or arena; the id of the input */
    char msg[160];     /* what is wrong and how to fix it */
};

#define PAGE_ERRORS_MAX 12

/** A page being built, in the request's arena and one buffer. */
struct page {
    struct lrsd_req *r;            /* borrowed */
    struct lrs_buf out;            /* the HTML, owned */
    bool oom;                      /* an append failed: answer 500 */
    bool signed_in;                /* a valid session */
    struct lrsd_principal who;     /* when signed_in */
    char csrf[LRS_AUTH_CSRF_SIZE]; /* the session's CSRF token */
    struct page_error errors[PAGE_ERRORS_MAX];
    size_t error_count;
    unsigned refresh_s; /* reload the page every n s (progress) */
};

/**
 * Append to the page: `fmt` is trusted HTML (a literal) and every value
 * it inserts is escaped, so a value cannot become markup. Conversions:
 * %s (a string, escaped; NULL is ""), %d (int), %u (unsigned), %ld
 * (long), %lld (long long), %zu (size_t), %% ; and %H for HTML that the
 * caller built with these same functions (never for input).
 */
void ph(struct page *p, const char *fmt, ...);

/** Start a page with `title` (the task of the page). */
void page_head(struct page *p, const char *title);

/** Finish the page and send it with `status`. */
void page_send(struct page *p, unsigned status);

/** Release the page's buffer (after page_send or instead of it). */
void page_release(struct page *p);

/** Add an error for `field` (printf-formatted, not HTML). */
void page_error(struct page *p, const char *field, const char *fmt, ...)
    LRS_PRINTF(3, 4);

/** The error of `field`, or NULL. */
const char *page_field_error(const struct page *p, const char *field);
/* The GOV.UK inline error of field `id` (inside its form group), when
 * `msg` is not NULL. */
void page_inline_error(struct page *p, const char *id, const char *msg);

/** The error summary, when there are errors. */
void page_error_summary(struct page *p);

/** A text input: id and name `name`, its label, hint (may be NULL). */
void page_input(struct page *p, const char *name, const char *label,
                const char *hint, const char *value, const char *extra_class,
                const char *autocomplete);

/** A date input named name-day, name-month, name-year. */
void page_date_input(struct page *p, const char *name, const char *legend,
                     const char *hint, const char *day, const char *month,
                     const char *year);

/** The gender radios (codes 1, 2, 9, 0). */
void page_gender_radios(struct page *p, const char *name, const char *value);

/** The hidden CSRF field of a form. */
void page_csrf_field(struct page *p);

/** A notification banner: success or important. */
void page_banner(struct page *p, bool success, const char *heading,
                 const char *text);

/** A summary list row. Call between ph("<dl ...>") and "</dl>". */
void page_summary_row(struct page *p, const char *key, const char *value);

/* ------------------------------------------------------------------ */
/* Forms and sessions (pages_form.c)                                  */
/* ------------------------------------------------------------------ */

/**
 * Parse the request body as a form into `f` (strings in the arena).
 * False when it is not a form, is malformed or has too many fields.
 */
bool page_form_parse(struct lrsd_req *r, struct page_form *f);

/**
 * Parse the request body as multipart/form-data into `u`: the part named
 * `file_field` is the file, every other part a text field (trimmed, in
 * the arena). False when it is not multipart, is malformed or has too
 * many fields.
 */
bool page_multipart_parse(struct lrsd_req *r, const char *file_field,
                          struct page_upload *u);

/** A query-string argument, or NULL. */
const char *page_query(struct lrsd_req *r, const char *name);

/** Bits of enum lrs_role for the page roles below. */
#define PAGE_SCHOOL   (LRS_ROLE_SCHOOL_USER | LRS_ROLE_SCHOOL_ADMIN)
#define PAGE_AO       LRS_ROLE_AO_USER
#define PAGE_OPERATOR LRS_ROLE_OPERATOR

enum page_auth_flags {
    PAGE_AUTH_NO_AGREEMENT = 1u << 0, /* allowed before the agreement */
    PAGE_AUTH_OPTIONAL = 1u << 1,     /* a session is not required */
};

/**
 * Start a page for a signed-in person with one of `roles`: reads the
 * session cookie, checks the CSRF field of a POST (`form` must then be
 * parsed), the role and the agreement. When it is not allowed it answers
 * itself (a redirect to sign in or to the agreement, or a 403 page) and
 * returns false.
 */
bool page_begin_auth(struct page *p, struct lrsd_req *r, unsigned roles,
                     unsigned flags, const struct page_form *form);

/** Answer 303 See Other to `location` (a local path). */
void page_redirect(struct lrsd_req *r, const char *location);

/** Set the session cookie for `s`; NULL clears it. */
void page_set_session_cookie(struct lrsd_req *r, const struct lrs_session *s);

/** The store connection of a page request, or NULL (answered 503). */
struct lrs_store *page_store(struct page *p);

/** Answer a whole error page ("Sorry, there is a problem ..."). */
void page_fail(struct page *p, unsigned status, const char *title,
               const char *text);

/* ------------------------------------------------------------------ */
/* The match index (pages_index.c)                                    */
/* ------------------------------------------------------------------ */

/**
 * Run a demographic find with `q` into `res` against the shared index,
 * building it from the store `s` on first use. Errors as
 * lrs_match_index_find() plus the store's.
 */
LRS_NODISCARD enum lrs_err page_index_find(struct lrs_store *s,
                                           const struct lrs_match_query *q,
                                           struct lrs_match_result *res,
                                           struct lrs_diag *diag);

/** Tell the index about a registered or amended learner (if built). */
void page_index_put(const struct lrs_learner *l, bool is_new);

/**
 * Borrow the shared index (loading it from `s` on first use) until
 * page_index_done(); NULL (with *err) when it cannot be loaded.
 */
struct lrs_match_index *page_index_use(struct lrs_store *s, enum lrs_err *err,
                                       struct lrs_diag *diag);

/** Give back the index of page_index_use(). */
void page_index_done(void);

/**
 * As page_index_use(), after applying the changes the store's feed has
 * for the index (pages_index.c): for a registration's search-first, so
 * that a learner another process registered is found.
 */
struct lrs_match_index *page_index_use_fresh(struct lrs_store *s,
                                             enum lrs_err *err,
                                             struct lrs_diag *diag);

/** Apply the feed's changes to the index, if loaded, reading with `s`
 *  (the feed thread; a failure is logged and counted in /metrics). */
void page_index_sync(struct lrs_store *s);

/** As page_index_sync() for a caller holding `idx` from page_index_use()
 *  (the batch worker between chunks). */
void page_index_sync_held(struct lrs_store *s, struct lrs_match_index *idx);

/**
 * Merge learner `merged` into `master` with lrs_service_merge() (link
 * history, audit) and tell the shared index, loading it if need be: the
 * one merge of the page and the API. A merge committed but not made in
 * the index (diag field "index") stands: the index is dropped, to be
 * loaded afresh, and the answer is LRS_OK. Other errors as the service.
 */
LRS_NODISCARD enum lrs_err
page_index_merge(struct lrs_store *s, const struct lrs_actor *actor,
                 const char *merged, const char *master, const char *reason,
                 struct lrs_diag *diag);

/** Undo the merge of `merged` (lrs_service_unmerge()) as above; the
 *  master it had goes to `master`. */
LRS_NODISCARD enum lrs_err
page_index_unmerge(struct lrs_store *s, const struct lrs_actor *actor,
                   const char *merged, const char *reason,
                   char master[LRS_ULN_SIZE], struct lrs_diag *diag);

/** Drop the index; the next use loads it again from the store. */
void page_index_drop(void);

/* ------------------------------------------------------------------ */
/* Words shared by the pages (pages_learners.c)                       */
/* ------------------------------------------------------------------ */

/** How field `f` compares at `level`, in words ("spelt similarly"). */
const char *page_level_text(enum lrs_match_field f, unsigned level);

/** "Male", "Female", "Not specified", "Not known". */
const char *page_gender_text(enum lrs_gender g);

/** "27 March 2007" ("Not given" for year 0) into `out`. */
void page_date_text(struct lrs_date d, char out[32]);

/* ------------------------------------------------------------------ */
/* Organisations, verification and entries (pages_ao.c)               */
/* ------------------------------------------------------------------ */

/**
 * The signed-in person's organisation into `out`, which must be of
 * `kind` (an AO with a UKPRN); otherwise a 403 page and false.
 */
bool page_caller_org(struct page *p, struct lrs_store *s,
                     enum lrs_org_kind kind, struct lrs_org *out);

/** The VRF flags raised, in words ("VRF5: the family name does not
 *  agree; ..."); "" for none. */
void page_vrf_text(unsigned flags, char *out, size_t out_len);

/** "29 Nov 2026 04:30" (UTC), "-" for 0, into `out`. */
void page_ms_date(int64_t ms, char out[32]);

/** The head of an exam entries table with id `id` (the AO's view adds
 *  the school and when it was sent); rows by page_entry_row(), then
 *  "</tbody></table></div>". */
void page_entry_table(struct page *p, const char *id, const char *caption,
                      bool ao_view);

/** One exam entry as a row of page_entry_table(), with its
 *  verification in words; the AO's view (`school_name` not NULL) starts
 *  with the school's name and reference. */
void page_entry_row(struct page *p, const struct lrs_entry *e,
                    const char *school_name);

/* ------------------------------------------------------------------ */
/* The school side (pages_school.c)                                   */
/* ------------------------------------------------------------------ */

/**
 * For a school user, the chart of the school's ULN coverage (pupils aged
 * 14 and over on the next census day, with and without a ULN, by year
 * group) from its stored roster, or a link to upload one. Others: nothing.
 * False when the page has been answered (a store failure).
 */
bool page_school_coverage(struct page *p, struct lrs_store *s);

/* ------------------------------------------------------------------ */
/* Handlers                                                           */
/* ------------------------------------------------------------------ */

void lrsd_p_root(struct lrsd_req *r);
void lrsd_p_sign_in(struct lrsd_req *r);
void lrsd_p_sign_in_post(struct lrsd_req *r);
void lrsd_p_sign_out(struct lrsd_req *r);
void lrsd_p_agreement(struct lrsd_req *r);
void lrsd_p_agreement_post(struct lrsd_req *r);
void lrsd_p_welcome(struct lrsd_req *r);
void lrsd_p_find(struct lrsd_req *r);
void lrsd_p_find_post(struct lrsd_req *r);
void lrsd_p_learner(struct lrsd_req *r);
void lrsd_p_amend(struct lrsd_req *r);
void lrsd_p_amend_post(struct lrsd_req *r);
void lrsd_p_audit(struct lrsd_req *r);
void lrsd_p_merge(struct lrsd_req *r);
void lrsd_p_merge_post(struct lrsd_req *r);
void lrsd_p_verify(struct lrsd_req *r);
void lrsd_p_me(struct lrsd_req *r);
void lrsd_p_me_print(struct lrsd_req *r);
void lrsd_p_me_sharing(struct lrsd_req *r);
void lrsd_p_me_sharing_post(struct lrsd_req *r);
void lrsd_p_me_shares(struct lrsd_req *r);
void lrsd_p_me_shares_post(struct lrsd_req *r);
void lrsd_p_me_share_revoke(struct lrsd_req *r);
void lrsd_p_shared(struct lrsd_req *r);
void lrsd_p_invites(struct lrsd_req *r);
void lrsd_p_invites_post(struct lrsd_req *r);
void lrsd_p_signup(struct lrsd_req *r);
void lrsd_p_signup_post(struct lrsd_req *r);
void lrsd_p_verify_post(struct lrsd_req *r);
void lrsd_p_verify_batch(struct lrsd_req *r);
void lrsd_p_verify_batch_post(struct lrsd_req *r);
void lrsd_p_password(struct lrsd_req *r);
void lrsd_p_password_post(struct lrsd_req *r);
void lrsd_p_register(struct lrsd_req *r);
void lrsd_p_register_post(struct lrsd_req *r);
void lrsd_p_asset(struct lrsd_req *r);
void lrsd_p_files(struct lrsd_req *r);
void lrsd_p_upload(struct lrsd_req *r);
void lrsd_p_upload_post(struct lrsd_req *r);
void lrsd_p_file(struct lrsd_req *r);
void lrsd_p_file_download(struct lrsd_req *r);
void lrsd_p_exceptions(struct lrsd_req *r);
void lrsd_p_exception(struct lrsd_req *r);
void lrsd_p_exception_post(struct lrsd_req *r);
/* pages_admin.c: organisations and users (operators; a school's
 * administrators for their own school's users) */
void lrsd_p_orgs(struct lrsd_req *r);
void lrsd_p_org_add(struct lrsd_req *r);
void lrsd_p_org_add_post(struct lrsd_req *r);
void lrsd_p_org(struct lrsd_req *r);
void lrsd_p_user_add(struct lrsd_req *r);
void lrsd_p_user_add_post(struct lrsd_req *r);
void lrsd_p_user_reset(struct lrsd_req *r);
void lrsd_p_user_reset_post(struct lrsd_req *r);
void lrsd_p_user_disable(struct lrsd_req *r);
void lrsd_p_user_disable_post(struct lrsd_req *r);
void lrsd_p_user_enable(struct lrsd_req *r);
void lrsd_p_user_enable_post(struct lrsd_req *r);
void lrsd_p_user_edit(struct lrsd_req *r);
void lrsd_p_user_edit_post(struct lrsd_req *r);
void lrsd_p_users(struct lrsd_req *r);
/* pages_ao.c: results upload, entries received (AOs); reading a PLR */
void lrsd_p_results(struct lrsd_req *r);
void lrsd_p_results_post(struct lrsd_req *r);
void lrsd_p_entries_received(struct lrsd_req *r);
void lrsd_p_plr(struct lrsd_req *r);
void lrsd_p_plr_post(struct lrsd_req *r);
/* pages_entries.c: a school's exam entries */
void lrsd_p_entries(struct lrsd_req *r);
void lrsd_p_entries_post(struct lrsd_req *r);
void lrsd_p_entries_pending(struct lrsd_req *r);
void lrsd_p_entries_send(struct lrsd_req *r);
/* pages_school.c: the school side */
void lrsd_p_school(struct lrsd_req *r);
void lrsd_p_school_roster_post(struct lrsd_req *r);
void lrsd_p_school_roster_csv(struct lrsd_req *r);
void lrsd_p_school_export(struct lrsd_req *r);
void lrsd_p_school_export_file(struct lrsd_req *r);
void lrsd_p_school_export_send(struct lrsd_req *r);
void lrsd_p_school_import(struct lrsd_req *r);
void lrsd_p_school_import_post(struct lrsd_req *r);
void lrsd_p_school_import_file(struct lrsd_req *r);
void lrsd_p_school_census(struct lrsd_req *r);
void lrsd_p_school_census_file(struct lrsd_req *r);
void lrsd_p_school_notices(struct lrsd_req *r);
void lrsd_p_school_notice(struct lrsd_req *r);

#endif /* LRSD_PAGES_H */
