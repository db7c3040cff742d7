#!/usr/bin/env bash
# slurm-up.sh: start a one-node SLURM on this machine (munged, slurmctld, slurmd as plain
# daemons, no systemd) for the SLURM executor's tests. Needs root and the Debian packages
# slurmctld slurmd slurm-client munge (.ci/setup installs them). Safe to re-run: daemons that
# are alive are left alone, and the script returns once `sinfo` shows this node idle.
# Recipe and the reasons for each setting: ../shared/docs/slurm-local.md.
# SLURM_CGROUP=1 selects cgroup process tracking (the only way to get OUT_OF_MEMORY).
set -euo pipefail
node=$(hostname -s)
running() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

if [ "$(id -u)" != 0 ]; then echo "slurm-up: must run as root" >&2; exit 1; fi
for tool in munged slurmctld slurmd sinfo; do
  command -v "$tool" >/dev/null || { echo "slurm-up: $tool missing (run .ci/setup as root)" >&2; exit 1; }
done

# munge authenticates every SLURM message; its key comes with the package.
[ -s /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
chown munge:munge /etc/munge/munge.key
chmod 0400 /etc/munge/munge.key
install -d -o munge -g munge -m 0755 /run/munge
running /run/munge/munged.pid || runuser -u munge -- /usr/sbin/munged
munge -n | unmunge >/dev/null

if [ "${SLURM_CGROUP:-0}" = 1 ]; then
  proctrack=proctrack/cgroup task=task/cgroup memkill=
  printf 'CgroupPlugin=autodetect\nConstrainCores=yes\nConstrainRAMSpace=yes\n' >/etc/slurm/cgroup.conf
else
  proctrack=proctrack/linuxproc task=task/none memkill=JobAcctGatherParams=OverMemoryKill
  rm -f /etc/slurm/cgroup.conf
fi
# The node line is what slurmd detects (real CPUs and memory; more memory would drain it).
hardware=$(slurmd -C | head -n1)
conf=$(cat <<CONF
ClusterName=local
SlurmctldHost=${node}(127.0.0.1)
SlurmUser=slurm
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
MailProg=/bin/true
MpiDefault=none
ProctrackType=${proctrack}
TaskPlugin=${task}
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=5
${memkill}
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=/var/log/slurm/jobcomp.log
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=512
ReturnToService=2
MinJobAge=3600
KillWait=5
SlurmdTimeout=60
${hardware} NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=${node} Default=YES MaxTime=INFINITE State=UP
CONF
)
mkdir -p /etc/slurm
# Rewrite the file only when it changes, so live daemons never see a config they did not read.
if [ "$(cat /etc/slurm/slurm.conf 2>/dev/null)" != "$conf" ]; then
  printf '%s\n' "$conf" >/etc/slurm/slurm.conf
  if running /run/slurmctld.pid || running /run/slurmd.pid; then
    echo "slurm-up: slurm.conf changed while daemons run; restart them with .ci/slurm-down.sh first" >&2
  fi
fi
install -d -o slurm -g slurm -m 0755 /var/spool/slurmctld /var/log/slurm
install -d -m 0755 /var/spool/slurmd
running /run/slurmctld.pid || slurmctld
running /run/slurmd.pid || slurmd
for _ in $(seq 120); do # at most 60 s
  state=$(sinfo -h -n "$node" -o %t 2>/dev/null || true)
  case $state in
    idle | mix | alloc) exit 0 ;;
    drain | drng | down | "down*")
      # A node drained by an earlier crash (duplicate job id, see the recipe) is usable again.
      scontrol update nodename="$node" state=resume 2>/dev/null || true ;;
  esac
  sleep 0.5
done
echo "slurm-up: node $node is not idle after 60 s" >&2
sinfo -R >&2 || true
exit 1
