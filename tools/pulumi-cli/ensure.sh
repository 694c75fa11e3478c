#!/usr/bin/env bash
# Prints the path of a Pulumi CLI this project can run, building it from source on first use.
#
# The Pulumi installers download a prebuilt binary, which this project's machines cannot do; they
# reach the Go module proxy, so the CLI is built from its published Go module
# (github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) through the wrapper module beside this script. The
# wrapper exists because `go install pkg@version` refuses a module whose go.mod has `replace`
# lines, and pkg/v3's has two: a local `../sdk` (dropped: the sdk/v3 module at the same version
# takes its place) and a third-party fork, copied into our go.mod.
#
# Order: TRUSTPLANE_PULUMI (an explicit binary), then a `pulumi` on PATH at the pinned version or
# newer, then the cache in .trustplane/pulumi-cli/<version>/bin (git-ignored), then a build into it.
# Idempotent and safe to run from several processes at once (one builds, the others wait).
# Progress goes to stderr; stdout is the binary's path alone.
set -euo pipefail

VERSION=v3.274.1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
dest="$root/.trustplane/pulumi-cli/$VERSION"
bin="$dest/bin/pulumi"

say() { echo "[pulumi-cli] $*" >&2; }

# "3.274.1" >= "3.274.1"? (sort -V orders versions; the smaller one comes first)
at_least() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

version_of() { "$1" version 2>/dev/null | head -n1 | tr -d 'v\r'; }

if [ -n "${TRUSTPLANE_PULUMI:-}" ]; then
  [ -x "$TRUSTPLANE_PULUMI" ] || { say "TRUSTPLANE_PULUMI=$TRUSTPLANE_PULUMI is not an executable"; exit 1; }
  echo "$TRUSTPLANE_PULUMI"
  exit 0
fi

if found=$(command -v pulumi 2>/dev/null) && [ "$found" != "$bin" ]; then
  v=$(version_of "$found" || true)
  if [ -n "$v" ] && at_least "$v" "${VERSION#v}"; then
    echo "$found"
    exit 0
  fi
  [ -n "$v" ] && say "ignoring $found: version $v is older than ${VERSION#v}"
fi

# The official distribution ships the SDK's dynamic-provider plugin beside the binary, where the
# engine takes it as bundled; found on PATH instead it works but the engine warns on every run
# (pulumi/pulumi sdk/go/common/workspace/plugins.go). Link ours beside our build.
link_plugin() {
  ln -sfn "../../../../node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs" "$dest/bin/pulumi-resource-pulumi-nodejs"
}

if [ -x "$bin" ] && [ "$(version_of "$bin")" = "${VERSION#v}" ]; then
  link_plugin
  echo "$bin"
  exit 0
fi

mkdir -p "$dest"
exec 9>"$dest/.lock"
if ! flock -n 9; then
  say "another process is building the Pulumi CLI $VERSION; waiting for it"
  flock 9
fi
# The other process may have finished it while we waited.
if [ -x "$bin" ] && [ "$(version_of "$bin")" = "${VERSION#v}" ]; then
  link_plugin
  echo "$bin"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  say "no Pulumi CLI ${VERSION#v} or newer on PATH, and no Go toolchain to build one."
  say "Install the Pulumi CLI (https://www.pulumi.com/docs/install/) or Go 1.26+, then run this again."
  exit 1
fi
gov=$(go env GOVERSION | sed 's/^go//')
if ! at_least "$gov" "1.26"; then
  say "Go $gov is too old to build the Pulumi CLI $VERSION (it needs 1.26 or newer)"
  exit 1
fi

start=$(date +%s)
say "building the Pulumi CLI $VERSION from source with Go $gov (first use on this machine only;"
say "about 10 minutes on 2 cores, most of it compiling); cached in ${dest#$root/}"
cd "$here"
say "downloading modules (go mod download)"
go mod download
say "compiling github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
# A heartbeat, so a long compile is visibly alive in CI logs.
( while sleep 30; do say "still compiling ($(( $(date +%s) - start )) s)"; done ) &
beat=$!
trap 'kill $beat 2>/dev/null || true' EXIT
go build -trimpath \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$VERSION" \
  -o "$bin.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
mv "$bin.tmp" "$bin"
link_plugin
say "built $(version_of "$bin") in $(( $(date +%s) - start )) s"
echo "$bin"
