#!/bin/sh
# Installs the system packages the build and tests need, only those missing; safe to re-run.
#   libyaml-dev      the YAML parser (CYAML target)
#   openssh-server   a real sshd for the SSH transport tests (Tests/TestSupport/SSHD.swift)
#   openssh-client   ssh / ssh-keygen used by the SSH transport and its tests
#   sudo             `become` tests run `sudo -n`
set -eu

missing=""
need() { # need PACKAGE PATH-THAT-PROVES-IT
    [ -e "$2" ] || missing="$missing $1"
}
need libyaml-dev /usr/include/yaml.h
need openssh-server /usr/sbin/sshd
need openssh-client /usr/bin/ssh-keygen
need sudo /usr/bin/sudo

if [ -z "$missing" ]; then
    echo "install-deps: nothing to install"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
echo "install-deps: installing$missing"
$SUDO apt-get update -qq
# shellcheck disable=SC2086  # word splitting of the package list is intended
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
# Debian's package starts sshd as a service on some systems; the tests start their own on a free port.
exit 0
