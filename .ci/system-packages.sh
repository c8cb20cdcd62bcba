#!/bin/sh
# Installs the Debian packages Intake needs, when they are missing: Tesseract with English,
# Polish and orientation data, the libraries opencv-python loads, fonts for the sample
# generator, Chromium for the browser tests, and venv support for the
# system Python. Uses apt as root or through sudo;
# otherwise says what to install and stops.
set -eu

PACKAGES="tesseract-ocr tesseract-ocr-eng tesseract-ocr-pol tesseract-ocr-osd tesseract-ocr-deu tesseract-ocr-fra tesseract-ocr-ita tesseract-ocr-spa tesseract-ocr-por libgl1 libglib2.0-0 fonts-dejavu-core dovecot-imapd chromium"

missing=""
for package in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $package"
    fi
done
if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
    missing="$missing python3-venv"
fi
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "Intake needs these Debian packages:$missing" >&2
    echo "Install them with: sudo apt-get install -y$missing" >&2
    exit 1
fi

echo "Installing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
