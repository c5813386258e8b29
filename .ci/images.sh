#!/usr/bin/env bash
# Builds the offline test images from busybox-static: no registry is needed or reached.
set -euo pipefail
bb=$(command -v busybox || echo /bin/busybox)
# Images get only this one binary, so it must be the static build (Debian package busybox-static).
if [ ! -x "$bb" ] || ldd "$bb" >/dev/null 2>&1; then
  echo "images.sh: $bb is missing or dynamically linked; install busybox-static" >&2
  exit 1
fi
# Tests use stowaway-test/*; a different prefix builds the same images under other names (used to test this script).
prefix=${STOWAWAY_TEST_IMAGE_PREFIX:-stowaway-test}
build() {
  local tag=$1; shift
  local root; root=$(mktemp -d)
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,root,var/spool/cron/crontabs,proc,sys,dev,home}
  cp "$bb" "$root/bin/busybox"
  for applet in $("$bb" --list); do
    [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n' >"$root/etc/shadow"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  chmod 640 "$root/etc/shadow"; chmod 1777 "$root/tmp"
  printf 'export PS1="# "\n' >"$root/etc/profile"
  tar -C "$root" -c . | docker import "$@" - "$tag" >/dev/null
  rm -rf "$root"
  echo "built $tag"
}
docker image inspect "$prefix/busybox:1" >/dev/null 2>&1 || build "$prefix/busybox:1" \
  --change 'CMD ["/bin/sh"]' --change 'ENV PATH=/bin:/sbin:/usr/bin:/usr/sbin'
docker image inspect "$prefix/web:1" >/dev/null 2>&1 || build "$prefix/web:1" \
  --change 'CMD ["/bin/httpd","-f","-p","8080"]' --change 'EXPOSE 8080/tcp' --change 'ENV PATH=/bin:/sbin:/usr/bin:/usr/sbin'
# busybox has no chattr/lsattr: this image adds e2fsprogs' own binaries and the libraries they load,
# for scenarios that set immutable or append-only flags inside a container (needs --cap-add LINUX_IMMUTABLE).
build_attrs() {
  local root; root=$(mktemp -d)
  local base; base=$(docker create --label stowaway.test=images "$prefix/busybox:1")
  docker export "$base" | tar -C "$root" -x
  docker rm "$base" >/dev/null
  for bin in /usr/bin/chattr /usr/bin/lsattr; do
    rm -f "$root/bin/$(basename "$bin")"
    cp "$bin" "$root/bin/"
    for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do mkdir -p "$root$(dirname "$lib")"; cp -L "$lib" "$root$lib"; done
  done
  tar -C "$root" -c . | docker import --change 'CMD ["/bin/sh"]' --change 'ENV PATH=/bin:/sbin:/usr/bin:/usr/sbin' - "$prefix/attrs:1" >/dev/null
  rm -rf "$root"
  echo "built $prefix/attrs:1"
}
docker image inspect "$prefix/attrs:1" >/dev/null 2>&1 || build_attrs
