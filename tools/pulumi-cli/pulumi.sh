#!/usr/bin/env bash
# `npm run pulumi -- <args>`: the project's Pulumi CLI (built on first use by ensure.sh), with PATH
# set so the engine finds Node 22 and the SDK's dynamic-provider plugin, and with the update check
# and plugin downloads off. Use your own backend as usual (`pulumi login`, PULUMI_BACKEND_URL).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=$(bash "$root/tools/pulumi-cli/ensure.sh")
export PATH="$root/node_modules/.bin:$root/node_modules/@pulumi/pulumi:$(dirname "$bin"):$PATH"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
# npm runs scripts from the package root; run in the folder the user called npm from.
cd "${INIT_CWD:-$PWD}"
exec "$bin" "$@"
