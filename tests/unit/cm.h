/* SPDX-License-Identifier: MIT */
/* cmocka needs these before its header. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
