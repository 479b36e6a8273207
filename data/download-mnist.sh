#!/usr/bin/env bash
# Downloads the full canonical MNIST dataset (60,000 training and 10,000 test images, four IDX .gz
# files) and checks each file's SHA-256. The project itself ships only a 10,000-image training
# sample (data/mnist); use this for full-size runs.
#
# The SHA-256 sums below are those of the original files published by Yann LeCun and Corinna Cortes,
# as re-hosted by the PyTorch and TensorFlow mirrors. They were confirmed against several independent
# public projects that pin them (among them the Haskell `mnist` data fetcher, torch.rb's MNIST
# dataset, Guild AI's MNIST package, and a PyTorch-mirror download script); all agree, and the sizes
# they give (9,912,422 / 28,881 / 1,648,877 / 4,542 bytes) match the original page.
set -euo pipefail

readonly DEFAULT_MIRRORS="https://ossci-datasets.s3.amazonaws.com/mnist/ https://storage.googleapis.com/cvdf-datasets/mnist/ http://yann.lecun.com/exdb/mnist/"
readonly CHECKSUMS="\
440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609  train-images-idx3-ubyte.gz
3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c  train-labels-idx1-ubyte.gz
8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6  t10k-images-idx3-ubyte.gz
f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6  t10k-labels-idx1-ubyte.gz"

usage() {
    cat <<USAGE
Usage: $(basename "$0") [--help] [TARGET_DIR]

Downloads the four canonical MNIST files into TARGET_DIR (default: mnist-full beside
this script, i.e. the project's git-ignored data/mnist-full),
trying each mirror in turn and keeping a file only if its SHA-256 checksum matches.
Files already present with the right checksum are not downloaded again.

Environment:
  MNIST_MIRRORS  space-separated base URLs to try instead of the defaults:
                 $DEFAULT_MIRRORS

Then train with:  --data TARGET_DIR
USAGE
}

fail() {
    echo "download-mnist: $*" >&2
    exit 1
}

# Checks one file in the current directory against its pinned sum; quiet, status only.
verify() {
    grep -F "  $1" <<<"$CHECKSUMS" | sha256sum -c --status -
}

fetch() {
    local file=$1 mirror
    if [[ -f $file ]] && verify "$file"; then
        echo "$file: already present, checksum OK"
        return 0
    fi
    for mirror in $MIRRORS; do
        echo "$file: downloading from ${mirror}"
        rm -f "$file.part"
        if ! curl --fail --silent --show-error --location --connect-timeout 20 --retry 2 \
                --output "$file.part" "${mirror%/}/$file"; then
            echo "$file: download from $mirror failed, trying the next mirror" >&2
            rm -f "$file.part"
            continue
        fi
        mv -f "$file.part" "$file"
        if verify "$file"; then
            echo "$file: checksum OK"
            return 0
        fi
        echo "$file: checksum mismatch for the copy from $mirror; deleted it" >&2
        rm -f "$file"
    done
    return 1
}

main() {
    local target
    target="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/mnist-full"
    while [[ $# -gt 0 ]]; do
        case $1 in
            -h|--help) usage; exit 0 ;;
            -*) usage >&2; fail "unknown option: $1" ;;
            *) target=$1 ;;
        esac
        shift
    done
    command -v curl >/dev/null || fail "curl is required"
    command -v sha256sum >/dev/null || fail "sha256sum is required"
    MIRRORS=${MNIST_MIRRORS:-$DEFAULT_MIRRORS}

    mkdir -p "$target"
    cd "$target"
    local failed=() file
    while read -r _ file; do
        fetch "$file" || failed+=("$file")
    done <<<"$CHECKSUMS"
    if [[ ${#failed[@]} -gt 0 ]]; then
        fail "could not get a copy with the right SHA-256 of: ${failed[*]} (tried: $MIRRORS)"
    fi
    echo "MNIST is complete in $(pwd)"
}

main "$@"
