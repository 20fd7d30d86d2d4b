#!/usr/bin/env bash
# Writes the demo brand kit's logo, assets/brand/logo.png: a 512×512 PNG with alpha (a
# coral disc with a white speech-bubble "chorus" mark), drawn with ImageMagick so its
# rights are ours. Usage: scripts/make-brand-logo.sh [OUT]
set -euo pipefail
out="${1:-assets/brand/logo.png}"
convert -size 512x512 xc:none \
  -fill '#e8553e' -draw 'circle 256,256 256,16' \
  -fill white -draw 'roundrectangle 120,150 392,330 40,40' \
  -fill white -draw 'polygon 170,320 150,400 240,326' \
  -fill '#e8553e' -draw 'circle 186,240 186,262' -draw 'circle 256,240 256,262' -draw 'circle 326,240 326,262' \
  -strip "PNG32:$out"
echo "wrote $out"
