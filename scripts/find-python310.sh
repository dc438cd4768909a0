#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter (Rasa 3.6 does not install on 3.11+).
# Looks at $PYTHON310, then python3.10 on PATH, then pyenv's versions, then /usr/bin.
set -u
ok() { [ -x "$1" ] && "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' 2>/dev/null; }
for c in "${PYTHON310:-}" "$(command -v python3.10 2>/dev/null)" \
         "$(pyenv root 2>/dev/null)"/versions/3.10*/bin/python3.10 \
         "$HOME"/.pyenv/versions/3.10*/bin/python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10; do
  if [ -n "$c" ] && ok "$c"; then echo "$c"; exit 0; fi
done
echo "Hittar ingen Python 3.10 (Rasa 3.6 kräver 3.10). Installera den, t.ex. 'pyenv install 3.10', eller sätt PYTHON310." >&2
exit 1
