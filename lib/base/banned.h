/*
 * banned.h - libc functions that must not be used in lib/ (git's banned.h,
 * curl's checksrc). Each is redefined to an undeclared name so that a use
 * fails to compile. Use lrs_buf, snprintf, lrs_parse_u64, gmtime_r instead.
 */
#ifndef LRS_BANNED_H
#define LRS_BANNED_H

#define BANNED(func) sorry_##func##_is_banned_in_openlrs

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef atol
#define atol(x) BANNED(atol)
#undef gmtime
#define gmtime(t) BANNED(gmtime)
#undef localtime
#define localtime(t) BANNED(localtime)
#undef ctime
#define ctime(t) BANNED(ctime)

#endif /* LRS_BANNED_H */
