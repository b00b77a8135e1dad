#!/usr/bin/env bash
# Builds the macOS tray: "Presence Hub.app" and a signed installer package presence-tray-<version>.pkg
# that installs it into /Applications. Runs on macOS only (Xcode command line tools: cgo for Fyne,
# lipo, codesign, pkgbuild, productbuild; macOS's own bash 3.2 is enough): none of that exists on Linux, so scripts/package does not
# build the .pkg; scripts/verify-packages syntax-checks this script and runs --layout-only.
#
#   installers/macos/build-pkg.sh [--layout-only] [--binary PATH] [--version V] [--out DIR]
#
#   1. presence-tray for arm64 and amd64 (cgo), joined with lipo        (skipped with --binary PATH)
#   2. the bundle: Contents/Info.plist, MacOS/presence-tray, Resources/presence-tray.icns
#      (--layout-only stops here; this step works on any OS)
#   3. codesign with the hardened runtime      if PRESENCE_MACOS_APP_IDENTITY ("Developer ID Application: …")
#   4. pkgbuild (component, /Applications, not relocatable) and productbuild (Distribution.xml),
#      signed                                  if PRESENCE_MACOS_INSTALLER_IDENTITY ("Developer ID Installer: …")
#   5. notarization and stapling               if PRESENCE_MACOS_NOTARY_PROFILE (a notarytool keychain profile)
#
# Managed settings for the tray: dev.presencehub.tray.mobileconfig (see docs/deploy.md).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

layout_only='' binary='' out=$repo/dist/macos
version=${VERSION:-$(git -C "$repo" describe --tags --always --dirty 2>/dev/null || echo 0.0.0-dev)}
while (($#)); do
  case $1 in
    --layout-only) layout_only=yes ;;
    --binary) binary=$2 && shift ;;
    --version) version=$2 && shift ;;
    --out) out=$2 && shift ;;
    -h | --help) sed -n '2,20p' "$0" && exit 0 ;;
    *) echo "unknown argument $1 (see --help)" >&2 && exit 2 ;;
  esac
  shift
done
version=${version#v}
short=${version%%[-+]*} # CFBundleShortVersionString: numbers and dots only
[[ $short =~ ^[0-9]+(\.[0-9]+){0,2}$ ]] || short=0.0.0
app="$out/Presence Hub.app"

if [ "$(uname -s)" != Darwin ] && [ -z "$layout_only" ]; then
  echo "build-pkg.sh: pkgbuild, productbuild and codesign need macOS; on $(uname -s) only --layout-only works" >&2
  exit 1
fi
mkdir -p "$out"

# 1. The universal binary.
if [ -z "$binary" ]; then
  for arch in arm64 amd64; do
    (cd "$repo" && CGO_ENABLED=1 GOOS=darwin GOARCH=$arch go build -trimpath \
      -ldflags "-s -w -X main.version=$version" -o "$out/presence-tray-$arch" ./desktop/cmd/presence-tray)
  done
  lipo -create -output "$out/presence-tray" "$out/presence-tray-arm64" "$out/presence-tray-amd64"
  binary=$out/presence-tray
fi

# 2. The bundle.
rm -rf "$app"
mkdir -p "$app/Contents/MacOS" "$app/Contents/Resources"
install -m 0755 "$binary" "$app/Contents/MacOS/presence-tray"
(cd "$repo" && go run ./desktop/internal/icons/icongen -out "$out/icons")
cp "$out/icons/presence-tray.icns" "$app/Contents/Resources/presence-tray.icns"
sed -e "s/@VERSION@/$short/" "$here/Info.plist" >"$app/Contents/Info.plist" # numbers only; --version shows all
printf 'APPL????' >"$app/Contents/PkgInfo"
echo "bundle: $app"
if [ -n "$layout_only" ]; then
  exit 0
fi

# 3. Code signature (Developer ID, hardened runtime, secure timestamp) for Gatekeeper and notarization.
if [ -n "${PRESENCE_MACOS_APP_IDENTITY:-}" ]; then
  codesign --force --options runtime --timestamp --sign "$PRESENCE_MACOS_APP_IDENTITY" "$app"
  codesign --verify --strict --verbose=2 "$app"
else
  echo "PRESENCE_MACOS_APP_IDENTITY unset: the app is not signed (Gatekeeper will refuse it outside tests)" >&2
fi

# 4. Component package (into /Applications, never relocated to a copy the user moved) and product archive.
root=$out/pkgroot
rm -rf "$root" && mkdir -p "$root/Applications"
cp -R "$app" "$root/Applications/"
pkgbuild --analyze --root "$root" "$out/component.plist"
plutil -replace 0.BundleIsRelocatable -bool NO "$out/component.plist"
component=presence-tray-component.pkg
pkgbuild --root "$root" --component-plist "$out/component.plist" --install-location / \
  --identifier dev.presencehub.tray.pkg --version "$short" "$out/$component"
sed -e "s/@VERSION@/$short/" -e "s/@PKG@/$component/" "$here/Distribution.xml" >"$out/Distribution.xml"
product=$out/presence-tray-$version.pkg
sign=()
if [ -n "${PRESENCE_MACOS_INSTALLER_IDENTITY:-}" ]; then sign=(--sign "$PRESENCE_MACOS_INSTALLER_IDENTITY" --timestamp); fi
productbuild --distribution "$out/Distribution.xml" --package-path "$out" ${sign[@]+"${sign[@]}"} "$product" # bash 3.2: empty array

# 5. Notarization (Apple's malware scan) and stapling the ticket for offline Gatekeeper checks.
if [ -n "${PRESENCE_MACOS_NOTARY_PROFILE:-}" ]; then
  xcrun notarytool submit "$product" --keychain-profile "$PRESENCE_MACOS_NOTARY_PROFILE" --wait
  xcrun stapler staple "$product"
fi
echo "package: $product"
