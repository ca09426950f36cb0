#!/bin/sh
# SPDX-License-Identifier: MIT
# One task of a Slurm job array that sweeps a target set in shards: ringping
# takes its shard from SLURM_ARRAY_TASK_ID (less SLURM_ARRAY_TASK_MIN) of
# SLURM_ARRAY_TASK_COUNT, and writes its results and manifest for
# `ringping merge`. Every task must get the same --seed and targets.
#   sbatch --array=0-3 tools/slurm/shard-job.sh OUTDIR --seed 11 TARGET...
# RINGPING (default: ringping) and RINGPING_NETNS (a namespace to run in, for
# the lab) may be set in the job's environment.
set -eu
out=$1
shift
id=${SLURM_ARRAY_TASK_ID:?run me as a task of a job array (sbatch --array)}
if [ -n "${RINGPING_NETNS:-}" ]; then
	exec timeout -s KILL 600 ip netns exec "$RINGPING_NETNS" "${RINGPING:-ringping}" --format csv \
		-o "$out/shard-$id.csv" --manifest "$out/shard-$id.json" "$@"
fi
exec timeout -s KILL 600 "${RINGPING:-ringping}" --format csv -o "$out/shard-$id.csv" \
	--manifest "$out/shard-$id.json" "$@"
