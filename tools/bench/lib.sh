# tools/bench/lib.sh: what the benchmark scripts beside it share (sourced, not
# run): building a benchmark program against the build tree's static
# libraries, a private work directory removed at exit, and a file system on a
# loop device made for the run and removed by name whatever happens.
#
#   srcdir build work      set by bench_init
#   bench_init NAME BUILD  checks the build, makes $work, traps cleanup
#   bench_cc OUT SRC...    compiles SRC against the build into $work/OUT
#   bench_fs TYPE MB       makes, mounts and sets $fs_mnt (needs root)

bench_init() {
    name=$1
    srcdir=$(cd "$(dirname "$0")/../.." && pwd)
    build=$(cd "${2:-.}" && pwd)
    [ -f "$build/lib/libvssapi.a" ] || { echo "skip|$name|build the libraries first (make libs)"; exit 2; }
    work=$(mktemp -d "${TMPDIR:-/tmp}/umbra-bench-XXXXXX") || exit 1
    fs_devs=
    fs_mnts=
    trap bench_cleanup EXIT
    trap 'exit 1' INT TERM HUP
}

bench_cleanup() {
    # whatever a benchmark left mounted under $work (exposed or bind-mounted
    # snapshots too), deepest first
    awk -v w="$work/" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo | sort -r | \
        while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done
    for m in $fs_mnts; do mountpoint -q "$m" && umount -R "$m"; done
    for d in $fs_devs; do losetup -d "$d" 2>/dev/null; done
    rm -rf "$work"
}

bench_cc() {
    out=$1
    shift
    # shellcheck disable=SC2046
    ${CC:-cc} -std=c11 -O2 -D_GNU_SOURCE -I"$build/include" -I"$srcdir/include" -I"$srcdir" \
        -I"$srcdir/dlls/vssapi" -I"$srcdir/tools/bench" $(pkg-config --cflags libxml-2.0) \
        -o "$work/$out" "$@" \
        "$build/lib/libvssapi.a" "$build/lib/libumbra-oleaut32.a" "$build/lib/libumbra-ole32.a" \
        "$build/lib/libumbra-msvcrt.a" "$build/lib/libumbra-kernel32.a" \
        $(pkg-config --libs libxml-2.0) -lpthread -ldl
}

# bench_root WHAT: print a skip row and exit 2 unless root with the tools.
bench_root() {
    [ "$(id -u)" -eq 0 ] || { echo "skip|$1|needs root (loop devices, mounts)"; exit 2; }
    command -v losetup >/dev/null || { echo "skip|$1|losetup missing (util-linux)"; exit 2; }
    command -v "mkfs.$2" >/dev/null || { echo "skip|$1|mkfs.$2 missing"; exit 2; }
    [ -e /dev/loop-control ] || { echo "skip|$1|no loop devices here"; exit 2; }
}

bench_fs() {
    img=$work/fs$(echo "$fs_devs" | wc -w).img
    fs_mnt=$img.mnt
    truncate -s "${2}M" "$img" && "mkfs.$1" -q -f "$img" >/dev/null 2>&1 || \
        "mkfs.$1" -q -F "$img" >/dev/null 2>&1 || return 1
    dev=$(losetup --find --show "$img") || return 1
    fs_devs="$dev $fs_devs"
    mkdir "$fs_mnt" && mount "$dev" "$fs_mnt" || return 1
    fs_mnts="$fs_mnt $fs_mnts"
}
