#!/usr/bin/env bash
# Sets up this machine (Debian 12) and runs every test; what CI runs.
#   scripts/test.sh [swift test arguments]    e.g. scripts/test.sh --filter HTTP1Tests
# Installs libevent-dev, pkg-config (SwiftPM finds libevent through it), curl, and python3 with the
# openapi-spec-validator and jsonschema packages if missing (sudo unless root), then builds and
# runs the tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib/packages.sh
source scripts/lib/packages.sh

require_swift
ensure_packages libevent-dev pkg-config curl
# OpenAPITests validate the OpenAPI document and real answers against it with these.
ensure_python_modules openapi_spec_validator:openapi-spec-validator jsonschema:jsonschema
swift build --build-tests
swift test "$@"
