#!/usr/bin/env bash
# slurm-down.sh [--purge]: stop the one-node SLURM of slurm-up.sh. Cancels all jobs first
# (their slurmstepd would outlive slurmd), then stops slurmd, slurmctld and munged through
# their pid files (TERM, up to 15 s, then KILL). --purge also removes the controller state and
# logs, so the next start is cold and job ids begin at 1 again. Safe to re-run.
set -uo pipefail
stop_daemon() {
  local pidfile=$1 pid
  [ -s "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$pidfile" # slurmctld leaves a stale one behind
}
if command -v scontrol >/dev/null && timeout 20 scontrol ping >/dev/null 2>&1; then
  jobs=$(squeue -h -o %A | sort -u)
  [ -n "$jobs" ] && scancel $jobs
  for _ in $(seq 60); do [ -z "$(squeue -h -o %i)" ] && break; sleep 0.5; done
fi
stop_daemon /run/slurmd.pid
stop_daemon /run/slurmctld.pid
stop_daemon /run/munge/munged.pid
if [ "${1:-}" = --purge ]; then
  rm -rf /var/spool/slurmctld /var/spool/slurmd /var/log/slurm/*.log
  for d in /sys/fs/cgroup/*/slurm_"$(hostname -s)"; do
    [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
  done
fi
exit 0
