#!/usr/bin/env bash
# A loop-mounted XFS filesystem with reflinks, for the benchmark's copy-on-write rows.
#
#   benchmarks/xfs-loop.sh up [SIZE]      make and mount one (a sparse image file, 24G by default);
#                                         prints its mount point on standard output
#   benchmarks/xfs-loop.sh down MOUNT     unmount it, detach its loop device, delete the image
#
# Needs root (mount) and mkfs.xfs, which it installs with apt-get (package xfsprogs) when missing.
# When it cannot make one it exits with status 1 and says why on standard error, in one line.
set -euo pipefail

fail() {
    echo "$*" >&2
    exit 1
}

up() {
    local size="${1:-24G}"
    [[ "$(id -u)" == 0 ]] || fail "mounting an XFS image needs root, and the benchmark runs as $(id -un)"
    if ! command -v mkfs.xfs > /dev/null; then
        command -v apt-get > /dev/null || fail "mkfs.xfs is not installed (package xfsprogs) and there is no apt-get"
        { apt-get install -y -qq xfsprogs || { apt-get update -qq && apt-get install -y -qq xfsprogs; }; } \
            > /dev/null 2>&1 || fail "mkfs.xfs is not installed and 'apt-get install xfsprogs' failed"
    fi
    local mount image
    mount="$(mktemp -d "${TMPDIR:-/tmp}/lakebase-xfs.XXXXXX")"
    image="$mount.img"
    truncate -s "$size" "$image"
    if ! mkfs.xfs -q -m reflink=1 "$image" > /dev/null 2>&1; then
        rm -f "$image"; rmdir "$mount"
        fail "mkfs.xfs -m reflink=1 failed on $image"
    fi
    if ! mount -o loop "$image" "$mount" > /dev/null 2>&1; then
        rm -f "$image"; rmdir "$mount"
        fail "could not loop-mount an XFS image here (no loop devices, or no permission to mount)"
    fi
    chmod 755 "$mount"   # the embedded server runs as an unprivileged user when the JVM runs as root
    echo "$mount"
}

down() {
    local mount="${1:?usage: xfs-loop.sh down MOUNT}"
    local image="$mount.img"
    if mountpoint -q "$mount"; then
        umount "$mount" || umount -l "$mount"
    fi
    # mount -o loop detaches the device at unmount; detach it here in case it did not.
    if [[ -f "$image" ]]; then
        losetup -j "$image" | cut -d: -f1 | while read -r device; do losetup -d "$device" || true; done
        rm -f "$image"
    fi
    rmdir "$mount" 2> /dev/null || true
}

case "${1:-}" in
    up) shift; up "$@" ;;
    down) shift; down "$@" ;;
    *) fail "usage: xfs-loop.sh up [SIZE] | down MOUNT" ;;
esac
