/*
 * lrs/lrs.h - the whole public API of liblrs, one header per module.
 */
#ifndef LRS_LRS_H
#define LRS_LRS_H

#include <lrs/accounts.h>
#include <lrs/auth.h>
#include <lrs/base.h>
#include <lrs/changes.h>
#include <lrs/batch.h>
#include <lrs/csv.h>
#include <lrs/ctf.h>
#include <lrs/ids.h>
#include <lrs/match.h>
#include <lrs/plr.h>
#include <lrs/school.h>
#include <lrs/service.h>
#include <lrs/store.h>
#include <lrs/synth.h>
#include <lrs/text.h>

#endif /* LRS_LRS_H */
