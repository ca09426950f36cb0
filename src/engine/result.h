/* SPDX-License-Identifier: MIT */
/* One probe's outcome: the public struct ringping_probe (include/ringping.h). */
#ifndef RP_RESULT_H
#define RP_RESULT_H

#include "ringping.h"
#include "addr.h"

#endif
