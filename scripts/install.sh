#!/usr/bin/env bash
# Installs (or upgrades, or removes) hearth on a Debian with systemd, from an unpacked release
# (scripts/bundle builds them: this script sits in its scripts/ folder). Run as root:
#
#   sudo ./scripts/install.sh              install or upgrade, enable and start the service
#   sudo ./scripts/install.sh --uninstall  remove everything but /etc/hearth and /var/lib/hearth
#
# Idempotent: a second run with the same release changes nothing. An upgrade puts the release
# beside the others in /opt/hearth/<version>, switches the `current` link and restarts; when
# the new version does not start, `current` goes back to the previous one, which is started
# again. The config (/etc/hearth/hearth.yaml) is written from the template on the first
# install only, and never touched after.
#
# For tests and image builders: --root DIR installs into DIR instead of / (accounts through
# useradd --prefix; systemctl and udevadm are not run unless SYSTEMCTL / UDEVADM
# name a command to run instead), --board-model TEXT stands for /proc/device-tree/model.
set -euo pipefail
# whatever umask the caller has (000 makes every mkdir world-writable): what this script makes
# is root's, readable by all, writable by root only, and every directory gets its mode explicitly
umask 0022
make_dir() { # directory...: made with its missing parents (umask 0022 above: 0755), then 0755 itself
  local dir
  for dir in "$@"; do
    if [ ! -d "$dir" ]; then mkdir -p "$dir" && chmod 0755 "$dir"; fi
  done
}

usage() { # the header comment above
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
  exit 0
}

root=/
uninstall=false
board_model=
release=$(cd "$(dirname "$0")/.." && pwd)
while [ $# -gt 0 ]; do
  case "$1" in
    --root) root=${2:?--root needs a directory}; shift 2 ;;
    --root=*) root=${1#--root=}; shift ;;
    --uninstall) uninstall=true; shift ;;
    --board-model) board_model=${2?--board-model needs a model}; shift 2 ;;
    --release) release=${2:?--release needs a directory}; shift 2 ;;
    -h|--help) usage ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
root=${root%/}
R=$root  # prefix for every path written; empty for the real system

if [ -z "$R" ] && [ "$(id -u)" -ne 0 ]; then
  echo "install.sh: run as root (sudo $0 $*)" >&2
  exit 1
fi
if [ -n "$R" ] && [ ! -d "$R" ]; then
  echo "install.sh: --root $R is not a directory" >&2
  exit 2
fi

# Commands that act on the running system: real ones on /, none under --root unless named.
if [ -z "$R" ]; then
  systemctl_cmd=${SYSTEMCTL:-systemctl}
  udevadm_cmd=${UDEVADM:-udevadm}
else
  systemctl_cmd=${SYSTEMCTL:-}
  udevadm_cmd=${UDEVADM:-}
fi
run_systemctl() {
  if [ -n "$systemctl_cmd" ]; then $systemctl_cmd "$@"; else echo "  (--root: not running systemctl $*)"; fi
}
run_udevadm() {
  if [ -n "$udevadm_cmd" ]; then $udevadm_cmd "$@" || true; else echo "  (--root: not running udevadm $*)"; fi
}
accounts=()
[ -n "$R" ] && accounts=(--prefix "$R")

did() { printf '  %s\n' "$*"; }

user=hearth
opt=/opt/hearth
unit=/etc/systemd/system/hearth.service
dropin=/etc/systemd/system/hearth.service.d/memory.conf
rules=/etc/udev/rules.d/99-hearth-radios.rules
link=/usr/local/bin/hearth
config=/etc/hearth/hearth.yaml

# ---- uninstall ------------------------------------------------------------------------------
if $uninstall; then
  echo "Removing hearth (keeping /etc/hearth and /var/lib/hearth)"
  if [ -e "$R$unit" ]; then
    run_systemctl disable --now hearth.service || true
  fi
  for file in "$unit" "$dropin" "$rules" "$link"; do
    if [ -e "$R$file" ] || [ -L "$R$file" ]; then rm -f "$R$file"; did "removed $file"; fi
  done
  if [ -d "$R${dropin%/*}" ] && rmdir "$R${dropin%/*}" 2>/dev/null; then did "removed ${dropin%/*}"; fi
  if [ -d "$R$opt" ]; then rm -rf "$R$opt"; did "removed $opt"; fi
  run_systemctl daemon-reload
  run_udevadm control --reload
  echo "Done. Config in /etc/hearth and state in /var/lib/hearth are still there, and so is the user $user that owns"
  echo "them (Debian keeps system users, so that no later one inherits their files); remove them by hand to start afresh."
  exit 0
fi

# ---- install or upgrade ---------------------------------------------------------------------
for need in VERSION node/bin/node dist/main.js systemd/hearth.service hardware/udev/99-hearth-radios.rules hardware/memory.tsv hardware/gpio/header-40pin.json systemd/hearth.yaml.template bin/hearth; do
  if [ ! -e "$release/$need" ]; then
    echo "install.sh: $release is not a hearth release ($need is missing); build one with scripts/bundle" >&2
    exit 1
  fi
done
version=$(cat "$release/VERSION")
case "$version" in
  ''|*/*|*' '*) echo "install.sh: $release/VERSION holds no usable version: '$version'" >&2; exit 1 ;;
esac
arch=$(uname -m)
if [ -z "$R" ] && ! "$release/node/bin/node" --version >/dev/null 2>&1; then
  echo "install.sh: the release's Node does not run on this machine ($arch): use the $(case "$arch" in aarch64) echo arm64 ;; *) echo x64 ;; esac) archive" >&2
  exit 1
fi

echo "Installing hearth $version"
changed=false

# the user and its groups
if ! grep -q '^gpio:' "$R/etc/group"; then
  groupadd "${accounts[@]}" --system gpio
  did "created group gpio (Raspberry Pi OS has it; its udev rules give it the GPIO pins)"
fi
if ! grep -q "^$user:" "$R/etc/passwd"; then
  useradd "${accounts[@]}" --system --user-group --no-create-home --home-dir /var/lib/hearth --shell /usr/sbin/nologin --comment "hearth home hub" "$user"
  did "created system user $user"
fi
for group in dialout gpio; do
  if ! grep -qE "^$group:[^:]*:[^:]*:(.*,)?$user(,|$)" "$R/etc/group"; then
    usermod "${accounts[@]}" -a -G "$group" "$user"
    did "added $user to group $group"
  fi
done

# the release, beside the others
target=$opt/$version
if [ ! -d "$R$target" ]; then
  make_dir "$R$opt"
  staging=$(mktemp -d "$R$opt/.incoming-XXXXXX")
  cp -a "$release/." "$staging/"
  chown -R root:root "$staging"
  chmod 0755 "$staging"
  mv -T "$staging" "$R$target"
  did "installed the release in $target"
  changed=true
fi
previous=
if [ -L "$R$opt/current" ]; then previous=$(readlink "$R$opt/current"); fi
if [ "$previous" != "$version" ]; then
  ln -sfn "$version" "$R$opt/.current-new"
  mv -T "$R$opt/.current-new" "$R$opt/current"
  did "switched $opt/current to $version${previous:+ (was $previous)}"
  changed=true
fi
if [ "$(readlink "$R$link" 2>/dev/null || true)" != "$opt/current/bin/hearth" ]; then
  make_dir "$R${link%/*}"
  ln -sfn "$opt/current/bin/hearth" "$R$link"
  did "linked $link (hearth doctor, hearth config check)"
fi

# the config, on the first install only
if [ ! -e "$R$config" ]; then
  make_dir "$R/etc/hearth"
  chmod 0755 "$R/etc/hearth"
  install -m 0640 -o root -g "$(awk -F: -v u="$user" '$1 == u { print $4 }' "$R/etc/passwd")" "$release/systemd/hearth.yaml.template" "$R$config"
  did "wrote $config from the template (edit it: broker, radios; then systemctl restart hearth)"
fi

# unit, memory budget for this board, udev rules
install_file() { # source destination mode
  if ! cmp -s "$1" "$R$2"; then
    make_dir "$R${2%/*}"
    install -m "$3" "$1" "$R$2"
    did "installed $2"
    return 0
  fi
  return 1
}
unit_changed=false
install_file "$release/systemd/hearth.service" "$unit" 0644 && unit_changed=true
if [ -z "$board_model" ]; then
  for file in /proc/device-tree/model /sys/firmware/devicetree/base/model; do
    if [ -z "$R" ] && [ -r "$file" ]; then board_model=$(tr -d '\0' <"$file"); break; fi
  done
fi
budget=$(awk -F'\t' -v model="$board_model" '
  /^#/ || NF < 3 { next }
  $1 == "*" { fallback = $2 " " $3; next }
  model != "" && index(model, $1) == 1 && found == "" { found = $1 "\t" $2 " " $3 }
  END { if (found != "") print found; else print "*\t" fallback }' "$release/hardware/memory.tsv")
budget_model=${budget%%$'\t'*}
read -r memory_high memory_max <<<"${budget#*$'\t'}"
memory_conf=$(mktemp)
printf '# written by hearth install.sh for board "%s" (hardware/memory.tsv: %s)\n[Service]\nMemoryHigh=%s\nMemoryMax=%s\n' \
  "${board_model:-unknown}" "$budget_model" "$memory_high" "$memory_max" >"$memory_conf"
install_file "$memory_conf" "$dropin" 0644 && unit_changed=true
rm -f "$memory_conf"
if install_file "$release/hardware/udev/99-hearth-radios.rules" "$rules" 0644; then
  run_udevadm control --reload
  run_udevadm trigger --subsystem-match=tty --action=add
fi

# enable and (re)start; a release that does not start goes back to the one before
$unit_changed && run_systemctl daemon-reload
run_systemctl enable hearth.service >/dev/null
if $changed || $unit_changed; then
  if ! run_systemctl restart hearth.service; then
    echo "hearth $version did not start." >&2
    if [ -n "$previous" ] && [ "$previous" != "$version" ] && [ -d "$R$opt/$previous" ]; then
      ln -sfn "$previous" "$R$opt/.current-new"
      mv -T "$R$opt/.current-new" "$R$opt/current"
      echo "Rolled back: $opt/current is $previous again." >&2
      run_systemctl restart hearth.service || echo "and $previous did not start either." >&2
    fi
    echo "Look at the logs: journalctl -u hearth -n 100 --no-pager" >&2
    exit 1
  fi
  did "started hearth.service"
  # keep the running release and the one before it (the rollback target), nothing older
  for dir in "$R$opt"/*/; do
    [ -L "${dir%/}" ] && continue
    old=$(basename "$dir")
    if [ "$old" != "$version" ] && [ "$old" != "$previous" ]; then rm -rf "$R$opt/${old:?}"; did "removed the old release $opt/$old"; fi
  done
else
  run_systemctl start hearth.service
  echo "  nothing to change: hearth $version is installed"
fi

cat <<EOF
Done. hearth $version runs as user $user (groups dialout, gpio), memory budget $memory_max (board: ${board_model:-unknown}).
  config:  $config
  state:   /var/lib/hearth
  status:  systemctl status hearth
  logs:    journalctl -u hearth -f
  checks:  hearth doctor
EOF
