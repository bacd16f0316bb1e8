#!/usr/bin/env bash
# A loop-mounted filesystem for the benchmark: XFS with reflinks for the copy-on-write rows, or ext4 with its
# journal (as on hosted CI runners and most laptops) for the plain-copy rows.
#
#   benchmarks/loop-fs.sh up xfs|ext4 [SIZE]   make and mount one (a sparse image file, 24G by default);
#                                              prints its mount point on standard output
#   benchmarks/loop-fs.sh down MOUNT           unmount it, detach its loop device, delete the image
#
# Needs root (mount) and mkfs.xfs or mkfs.ext4, which it installs with apt-get (xfsprogs, e2fsprogs) when missing.
# When it cannot make one it exits with status 1 and says why on standard error, in one line.
set -euo pipefail

fail() {
    echo "$*" >&2
    exit 1
}

up() {
    local type="${1:?usage: loop-fs.sh up xfs|ext4 [SIZE]}"
    local size="${2:-24G}"
    local package mkfs
    case "$type" in
        xfs) package=xfsprogs; mkfs=(mkfs.xfs -q -m reflink=1) ;;
        ext4) package=e2fsprogs; mkfs=(mkfs.ext4 -q -F -O has_journal) ;;
        *) fail "usage: loop-fs.sh up xfs|ext4 [SIZE]" ;;
    esac
    [[ "$(id -u)" == 0 ]] || fail "mounting an $type image needs root, and the benchmark runs as $(id -un)"
    if ! command -v "${mkfs[0]}" > /dev/null; then
        command -v apt-get > /dev/null || fail "${mkfs[0]} is not installed (package $package) and there is no apt-get"
        { apt-get install -y -qq "$package" || { apt-get update -qq && apt-get install -y -qq "$package"; }; } \
            > /dev/null 2>&1 || fail "${mkfs[0]} is not installed and 'apt-get install $package' failed"
    fi
    local mount image
    mount="$(mktemp -d "${TMPDIR:-/tmp}/lakebase-$type.XXXXXX")"
    image="$mount.img"
    truncate -s "$size" "$image"
    if ! "${mkfs[@]}" "$image" > /dev/null 2>&1; then
        rm -f "$image"; rmdir "$mount"
        fail "${mkfs[*]} failed on $image"
    fi
    if ! mount -o loop "$image" "$mount" > /dev/null 2>&1; then
        rm -f "$image"; rmdir "$mount"
        fail "could not loop-mount an $type image here (no loop devices, or no permission to mount)"
    fi
    chmod 755 "$mount"   # the embedded server runs as an unprivileged user when the JVM runs as root
    echo "$mount"
}

down() {
    local mount="${1:?usage: loop-fs.sh down MOUNT}"
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
    *) fail "usage: loop-fs.sh up xfs|ext4 [SIZE] | down MOUNT" ;;
esac
