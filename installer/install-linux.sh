#!/usr/bin/env sh
# Install the built Catalog Editor folder for the current user: a launcher in the
# applications menu and `catalog-editor` on the PATH (~/.local/bin).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
apps="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
icons="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/256x256/apps"
mkdir -p "$apps" "$icons" "$HOME/.local/bin"
cp "$here/catalog-editor.png" "$icons/catalog-editor.png"
sed "s|^Exec=catalog-editor|Exec=$here/catalog-editor|" "$here/catalog-editor.desktop" > "$apps/catalog-editor.desktop"
ln -sf "$here/catalog-editor" "$HOME/.local/bin/catalog-editor"
echo "Catalog Editor installed: find it in your applications menu, or run catalog-editor"
