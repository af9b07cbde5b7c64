/*
 * test_validate.c - the business checks of a ULN request, one rule at a
 * time on a pupil built in code, and the OOM loop.
 *
 * Rules and codes: DOMAIN.md (mandatory fields of a CTF sent for ULNs,
 * RC006/RC010/RC011/RC013, ages 13-110, names 35 and address lines 50
 * characters, the school-side export warnings) and docs/ctf.md.
 */
#include "ctftest.h"

static const struct lrs_date on = {2025, 10, 1};

/* A pupil with every mandatory field, good as a ULN request. */
static struct lrs_ctf_pupil good(void)
{
    struct lrs_ctf_pupil p;

    memset(&p, 0, sizeof p);
    p.ordinal = 1;
    p.upn = "H801200001001";
    p.uln = p.uci = "";
    p.surname = "Okafor";
    p.forename = "Chidi";
    p.middle_names = p.preferred_surname = p.preferred_forename = "";
    p.former_surname = p.former_upn = p.nc_year_actual = "";
    p.dob = "2010-03-14";
    p.sex = "M";
    p.sex_element = LRS_CTF_SEX_SEX;
    p.address.has_bs7666 = true;
    p.address.saon = p.address.post_town = p.address.uprn = "";
    p.address.paon = "12";
    p.address.street = "Hotwell Road";
    p.address.locality = "";
    p.address.town = "Bristol";
    p.address.administrative_area = "";
    for (int i = 0; i < 5; i++)
        p.address.lines[i] = "";
    p.address.county = "";
    p.address.postcode = "BS8 4NU";
    return p;
}

/*
 * Validate `p` and compare with `want`: "CODE FIELD S" per finding (S is B
 * for blocking, W for warning), separated by "; ", or "" for none.
 */
static void expect(const struct lrs_ctf_pupil *p, const char *want)
{
    struct lrs_ctf_findings f = LRS_CTF_FINDINGS_INIT;
    struct lrs_buf got = LRS_BUF_INIT;
    size_t blocking = 0;

    assert_int_equal(lrs_ctf_validate_pupil(p, on, &f), LRS_OK);
    for (size_t i = 0; i < f.count; i++) {
        assert_non_null(f.items[i].code);
        assert_non_null(f.items[i].field);
        assert_true(f.items[i].message[0] != '\0');
        blocking += f.items[i].severity == LRS_CTF_BLOCKING;
        assert_int_equal(
            lrs_buf_addf(&got, "%s%s %s %c", i ? "; " : "", f.items[i].code,
                         f.items[i].field,
                         f.items[i].severity == LRS_CTF_BLOCKING ? 'B' : 'W'),
            LRS_OK);
    }
    assert_int_equal(blocking, f.blocking_count);
    assert_string_equal(got.data, want);
    lrs_buf_release(&got);
    lrs_ctf_findings_release(&f);
}

/* The message of the only finding of `p`. */
static void expect_message(const struct lrs_ctf_pupil *p, const char *msg)
{
    struct lrs_ctf_findings f = LRS_CTF_FINDINGS_INIT;

    assert_int_equal(lrs_ctf_validate_pupil(p, on, &f), LRS_OK);
    assert_int_equal(f.count, 1);
    assert_string_equal(f.items[0].message, msg);
    lrs_ctf_findings_release(&f);
}

static void test_validate__good_pupil_has_no_findings(void **state)
{
    struct lrs_ctf_pupil p = good();

    (void)state;
    expect(&p, "");
    /* The AddressLines form instead. */
    p.address.has_bs7666 = false;
    p.address.paon = p.address.street = p.address.town = "";
    p.address.has_lines = true;
    p.address.lines[0] = "4 Cumberland Close";
    expect(&p, "");
    /* A temporary UPN is a valid UPN. */
    p.upn = "G80120000101A";
    expect(&p, "");
}

static void test_validate__mandatory_fields(void **state)
{
    struct lrs_ctf_pupil p;

    (void)state;
    p = good(), p.surname = "";
    expect(&p, "RC006 Surname B");
    expect_message(&p, "insufficient data: Surname is missing");
    p = good(), p.forename = "";
    expect(&p, "RC006 Forename B");
    p = good(), p.dob = "";
    expect(&p, "RC006 DOB B");
    p = good(), p.sex = "";
    expect(&p, "RC006 Sex B");
    p = good(), p.sex = "", p.sex_element = LRS_CTF_SEX_GENDER;
    expect(&p, "RC006 Gender B");
    /* DOMAIN.md: without a postcode the LRS answers RC10 "Null Values". */
    p = good(), p.address.postcode = "";
    expect(&p, "RC010 PostCode B");
    expect_message(&p, "Null Values: postcode is missing");
    p = good(), p.surname = p.forename = p.address.postcode = "";
    expect(&p, "RC006 Surname B; RC006 Forename B; RC010 PostCode B");
}

static void test_validate__address_rules(void **state)
{
    struct lrs_ctf_pupil p;

    (void)state;
    /* Rural: PAON and a locality but no street is only a warning. */
    p = good(), p.address.street = "", p.address.paon = "Rose Cottage";
    expect(&p, "W002 Street W");
    expect_message(&p, "Student address exported but street is missing");
    /* Any one of Locality, Town, AdministrativeArea. */
    p = good(), p.address.town = "", p.address.locality = "Hotwells";
    expect(&p, "");
    p = good(), p.address.town = "", p.address.administrative_area = "Avon";
    expect(&p, "");
    p = good(), p.address.town = "";
    expect(&p, "RC006 Locality B");
    p = good(), p.address.paon = "";
    expect(&p, "RC006 PAON B");
    p = good(), p.address.paon = "", p.address.town = "";
    expect(&p, "RC006 PAON B; RC006 Locality B");
    /* No street and no area: both the warning and the block. */
    p = good(), p.address.street = "", p.address.town = "";
    expect(&p, "W002 Street W; RC006 Locality B");
    /* AddressLines with no AddressLine1. */
    p = good();
    p.address.has_bs7666 = false;
    p.address.paon = p.address.street = p.address.town = "";
    p.address.has_lines = true;
    p.address.lines[1] = "Spike Island";
    expect(&p, "RC006 AddressLine1 B");
    /* No address at all. */
    p.address.has_lines = false;
    p.address.lines[1] = "";
    expect(&p, "RC006 Address B");
    /* A good AddressLine1 makes up for a poor BS7666 form. */
    p = good(), p.address.street = "", p.address.lines[0] = "12 The Green";
    expect(&p, "");
}

static void test_validate__formats(void **state)
{
    struct lrs_ctf_pupil p;

    (void)state;
    p = good(), p.dob = "2011-02-30";
    expect(&p, "RC011 DOB B");
    p = good(), p.dob = "14/03/2010";
    expect(&p, "RC011 DOB B");
    p = good(), p.sex = "X";
    expect(&p, "RC011 Sex B");
    expect_message(&p, "Sex 'X' is not M or F");
    p = good(), p.sex = "1";
    expect(&p, "RC011 Sex B");
    p = good(), p.sex = "Male";
    expect(&p, "RC011 Sex B");
    p = good(), p.sex = "f";
    expect(&p, "");
    p = good(), p.address.postcode = "NOT A CODE";
    expect(&p, "RC011 PostCode B");
    p = good(), p.address.postcode = "bs84nu";
    expect(&p, "");
    p = good(), p.address.postcode = "ZZ99 3VZ";
    expect(&p, "W004 PostCode W");
    expect_message(&p, "postcode ZZ99 3VZ is a placeholder for an unknown "
                       "address");
}

static void test_validate__name_and_line_lengths(void **state)
{
    /* 35 two-byte characters: 70 bytes but 35 characters, allowed. */
    static const char e35[] =
        "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
        "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
        "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
        "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
        "\xc3\xa9\xc3\xa9\xc3\xa9";
    struct lrs_ctf_pupil p;

    (void)state;
    p = good(), p.surname = "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHI";
    expect(&p, "");
    p = good(), p.surname = "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJ";
    expect(&p, "RC011 Surname B");
    expect_message(&p, "Surname is 36 characters, longer than 35");
    p = good(), p.forename = e35;
    expect(&p, "");
    p = good(), p.middle_names = "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJ";
    expect(&p, "RC011 MiddleNames B");
    p = good(), p.former_surname = "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJ";
    expect(&p, "RC011 FormerSurname B");
    p = good();
    p.address.street =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWX"; /* 50 */
    expect(&p, "");
    p.address.street =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXY"; /* 51 */
    expect(&p, "RC011 Street B");
}

/* DOMAIN.md: LRS batch processing accepts ages 13 to 110, else RC013. */
static void test_validate__age_range(void **state)
{
    struct lrs_ctf_pupil p;

    (void)state;
    p = good(), p.dob = "2012-10-01"; /* 13 today */
    expect(&p, "");
    p = good(), p.dob = "2012-10-02"; /* 13 tomorrow */
    expect(&p, "RC013 DOB B");
    expect_message(&p, "age 12 on 2025-10-01 is outside 13-110");
    p = good(), p.dob = "1915-10-02"; /* 109 */
    expect(&p, "");
    p = good(), p.dob = "1914-10-02"; /* 110 */
    expect(&p, "");
    p = good(), p.dob = "1914-10-01"; /* 111 */
    expect(&p, "RC013 DOB B");
    p = good(), p.dob = "2030-01-01"; /* not born yet */
    expect(&p, "RC013 DOB B");
}

static void test_validate__upn_and_uln(void **state)
{
    struct lrs_ctf_pupil p;

    (void)state;
    p = good(), p.upn = "";
    expect(&p, "W001 UPN W");
    expect_message(&p, "UPN Missing or Invalid: UPN is missing");
    /* DfE wording from lrs_upn_check(). */
    p = good(), p.upn = "A801200005001";
    expect(&p, "W001 UPN W");
    expect_message(&p, "UPN Missing or Invalid: UPN invalid (wrong check "
                       "letter at character 1)");
    p = good(), p.uln = "1000000043";
    expect(&p, "W003 UniqueLearnerNumber W");
    expect_message(&p, "pupil already has a ULN (1000000043)");
    p = good(), p.uln = "1748529631";
    expect(&p, "RC011 UniqueLearnerNumber B");
    expect_message(&p, "supplied ULN '1748529631' is invalid: check digit "
                       "is 1, expected 2");
}

static void test_validate__findings_accumulate_and_reset(void **state)
{
    struct lrs_ctf_findings f = LRS_CTF_FINDINGS_INIT;
    struct lrs_ctf_pupil p = good();

    (void)state;
    p.surname = p.forename = p.dob = p.sex = p.upn = "";
    p.address.postcode = "";
    for (int i = 0; i < 10; i++)
        assert_int_equal(lrs_ctf_validate_pupil(&p, on, &f), LRS_OK);
    assert_int_equal(f.count, 60);
    assert_int_equal(f.blocking_count, 50);
    lrs_ctf_findings_reset(&f);
    assert_int_equal(f.count, 0);
    assert_int_equal(f.blocking_count, 0);
    assert_true(f.cap >= 60);
    lrs_ctf_findings_release(&f);
    assert_null(f.items);
    lrs_ctf_findings_release(&f);
}

static void test_validate__oom_loop(void **state)
{
    struct lrs_ctf_pupil p = good();
    unsigned long n;

    (void)state;
    p.surname = p.forename = p.dob = p.sex = p.upn = "";
    for (n = 1; n < 100; n++) {
        struct lrs_ctf_findings f = LRS_CTF_FINDINGS_INIT;
        enum lrs_err err = LRS_OK;

        test_alloc_fail_at(n);
        for (int i = 0; i < 3 && !err; i++)
            err = lrs_ctf_validate_pupil(&p, on, &f);
        /* Whatever was appended before the failure is still sane. */
        assert_true(f.count <= f.cap);
        assert_true(f.blocking_count <= f.count);
        lrs_ctf_findings_release(&f);
        assert_int_equal(test_alloc_live(), 0);
        if (!test_alloc_failed()) {
            test_alloc_reset();
            assert_int_equal(err, LRS_OK);
            break;
        }
        test_alloc_reset();
        assert_int_equal(err, LRS_ENOMEM);
    }
    assert_true(n > 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validate__good_pupil_has_no_findings),
        cmocka_unit_test(test_validate__mandatory_fields),
        cmocka_unit_test(test_validate__address_rules),
        cmocka_unit_test(test_validate__formats),
        cmocka_unit_test(test_validate__name_and_line_lengths),
        cmocka_unit_test(test_validate__age_range),
        cmocka_unit_test(test_validate__upn_and_uln),
        cmocka_unit_test(test_validate__findings_accumulate_and_reset),
        cmocka_unit_test(test_validate__oom_loop),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
