#!/usr/bin/env bash
# The system packages discode's demo, tests and benchmark need, and how they get installed.
# Sourced by scripts/services.sh; the functions are also run alone by test/setup/packages.test.ts.
#
#   package_plan UID OS_RELEASE_FILE HAS_APT PKG...   pure: what to do about the missing PKGs
#   missing_packages PKG...                           which of the PKGs this machine lacks
#   ensure_packages PKG...                            installs the missing ones (root on Debian) or explains

# docker.io: dockerd and the docker CLI. docker-registry: the local registry on 127.0.0.1:5000.
# busybox-static: the test and demo images. gcc, libc6-dev: the stand-in's client and the benchmark app.
# curl: the registry check. iproute2 (ip), util-linux (nsenter, unshare): the multi-node swarm test stand
# (test/support/swarm.ts); minimal Debian images lack iproute2. debootstrap: the real PostgreSQL stack's
# root filesystem (test/fixtures/postgres), from Debian's mirror. tmux: the terminal test of `discode run`.
DISCODE_PACKAGES=(docker.io docker-registry busybox-static gcc libc6-dev curl iproute2 util-linux debootstrap tmux)

# True when the os-release file names Debian or a derivative (Ubuntu's ID_LIKE is "debian").
is_debian_like() {
  local file="$1" id="" like=""
  [ -r "$file" ] || return 1
  id="$(sed -n 's/^ID=//p' "$file" | tr -d '"')"
  like="$(sed -n 's/^ID_LIKE=//p' "$file" | tr -d '"')"
  [[ " $id $like " =~ \ (debian|ubuntu)\  ]]
}

# Prints one line: "none", "install PKG..." or "tell <message>" (the message names the packages and
# the command that installs them). Decides only; changes nothing.
package_plan() {
  local uid="$1" os_release="$2" has_apt="$3"
  shift 3
  if [ $# -eq 0 ]; then
    echo "none"
    return
  fi
  local packages="$*"
  if is_debian_like "$os_release" && [ "$has_apt" = yes ]; then
    if [ "$uid" = 0 ]; then
      echo "install $packages"
    else
      echo "tell missing packages: $packages. Hint: run 'sudo apt-get install -y $packages' (or run this command as root, which installs them)"
    fi
    return
  fi
  echo "tell missing packages: $packages (Debian names; this is not Debian or Ubuntu). Hint: install their equivalents with your package manager: Docker Engine (dockerd and the docker CLI), a Docker registry v2 server (distribution), a statically linked busybox, gcc with the C library headers, curl, iproute2 (ip), util-linux (nsenter, unshare), debootstrap and tmux"
}

# A package counts as present when dpkg knows it installed, or (other distributions, Docker's own
# packages such as docker-ce) when what we use from it is there.
package_present() {
  local pkg="$1"
  if command -v dpkg >/dev/null 2>&1 && dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed'; then
    return 0
  fi
  case "$pkg" in
    docker.io) command -v dockerd >/dev/null 2>&1 || [ -x /usr/sbin/dockerd ] || [ -x /usr/bin/dockerd ] ;;
    docker-registry) command -v docker-registry >/dev/null 2>&1 || [ -x /usr/bin/docker-registry ] ;;
    busybox-static) [ -x /usr/bin/busybox ] && ! ldd /usr/bin/busybox >/dev/null 2>&1 ;;
    gcc | curl | tmux) command -v "$pkg" >/dev/null 2>&1 ;;
    libc6-dev) [ -f /usr/include/stdio.h ] ;;
    iproute2) command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || [ -x /sbin/ip ] ;;
    util-linux) command -v nsenter >/dev/null 2>&1 && command -v unshare >/dev/null 2>&1 ;;
    debootstrap) command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] ;;
    *) return 1 ;;
  esac
}

missing_packages() {
  local pkg out=()
  for pkg in "$@"; do package_present "$pkg" || out+=("$pkg"); done
  echo "${out[*]}"
}

# Installs what is missing of "$@" when root on Debian/Ubuntu and says so; otherwise prints one
# message naming the packages and the command, and fails.
ensure_packages() {
  local missing has_apt=no plan
  missing="$(missing_packages "$@")"
  command -v apt-get >/dev/null 2>&1 && has_apt=yes
  # shellcheck disable=SC2086 # the package list is split into words on purpose
  plan="$(package_plan "$(id -u)" /etc/os-release "$has_apt" $missing)"
  case "$plan" in
    none) return 0 ;;
    install\ *)
      local packages="${plan#install }"
      echo "packages: installing $packages (apt-get, as root)"
      # shellcheck disable=SC2086
      if ! DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null ||
        ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $packages >/dev/null; then
        echo "packages: apt-get install $packages failed. Hint: run 'apt-get install -y $packages' and read its error" >&2
        return 1
      fi
      echo "packages: installed $packages"
      ;;
    tell\ *)
      echo "packages: ${plan#tell }" >&2
      return 1
      ;;
  esac
}
