# SPDX-License-Identifier: BSD-3-Clause
# 2 MiB hugepages for DPDK tools: reserve and mount if we can, put things back after (source this file).
#
#   hugepages_setup N   make N free 2 MiB pages and a hugetlbfs mount available; 0 if done
#   hugepages_restore   undo what hugepages_setup changed (pages reserved, mount made)
#
# Only root can do either; without root, or when the kernel will not give the
# pages (fragmented memory, a container), hugepages_setup says why and returns 1
# so the caller runs without hugepages.

HP_SYS=/sys/kernel/mm/hugepages/hugepages-2048kB
HP_PREV_NR=""        # nr_hugepages before we raised it
HP_MOUNTED=""        # mount point we created

hugepages_setup() {
  local want=$1 nr free
  if [ "$(id -u)" -ne 0 ]; then
    echo "hugepages: not root, running without" >&2
    return 1
  fi
  if [ ! -d "$HP_SYS" ]; then
    echo "hugepages: kernel has no 2 MiB hugepages, running without" >&2
    return 1
  fi
  nr=$(cat "$HP_SYS/nr_hugepages")
  free=$(cat "$HP_SYS/free_hugepages")
  if [ "$free" -lt "$want" ]; then
    HP_PREV_NR=$nr
    if ! echo $((nr + want - free)) >"$HP_SYS/nr_hugepages" 2>/dev/null; then
      HP_PREV_NR=""
      echo "hugepages: cannot set nr_hugepages, running without" >&2
      return 1
    fi
    free=$(cat "$HP_SYS/free_hugepages")
    if [ "$free" -lt "$want" ]; then
      echo "hugepages: kernel gave only $free of $want free pages, running without" >&2
      hugepages_restore
      return 1
    fi
  fi
  if ! awk '$3 == "hugetlbfs" { found = 1 } END { exit !found }' /proc/mounts; then
    mkdir -p /dev/hugepages
    if ! mount -t hugetlbfs -o pagesize=2M nodev /dev/hugepages 2>/dev/null; then
      echo "hugepages: cannot mount hugetlbfs, running without" >&2
      hugepages_restore
      return 1
    fi
    HP_MOUNTED=/dev/hugepages
  fi
  return 0
}

hugepages_restore() {
  if [ -n "$HP_MOUNTED" ]; then
    umount "$HP_MOUNTED" 2>/dev/null || true
    HP_MOUNTED=""
  fi
  if [ -n "$HP_PREV_NR" ]; then
    # Pages still in use by someone else stay (as surplus); only free ones go back.
    echo "$HP_PREV_NR" >"$HP_SYS/nr_hugepages" 2>/dev/null || true
    HP_PREV_NR=""
  fi
}
