#!/usr/bin/env bash
# Fails when C++ sources build SQL text at run time: every statement must be
# a constant, with the values passed as parameters ($1, $2, ...).
#
#   sql_is_parameterised.sh DIR...
#
# Flags, in .cpp/.hpp files under the DIRs:
#   - a string literal holding SQL joined with + or += (on its line or the
#     next), or given to std::format, sprintf or a stream;
#   - libpqxx's quoting and escaping (esc, quote, quote_name, ...): their only
#     use is splicing values into SQL text;
#   - SQL held in a mutable std::string, or appended to (+=, append);
#   - exec/exec0/exec1/exec_params/exec_prepared given anything but a whole
#     literal or a named *sql* constant.
# Prints each finding and their count; exits 1 if there is any.
#
#   sql_is_parameterised.sh --self-test DIR   checks the check: exactly the
#       lines of DIR's sources that end with "// flagged" are flagged.
set -euo pipefail
if [ "${1:-}" = --self-test ]; then
  shift
  expected="$(grep -rnH --include='*.cpp' '// flagged$' "$@" | cut -d: -f1,2 | sort -u)"
  actual="$("$0" "$@" 2>&1 >/dev/null | grep -E '^[^ ]+:[0-9]+:' | cut -d: -f1,2 | sort -u || true)"
  if [ "$expected" != "$actual" ]; then
    echo "flagged lines differ (expected < > actual):" >&2
    diff <(echo "$expected") <(echo "$actual") >&2 || true
    exit 1
  fi
  echo "the check flags exactly the $(echo "$expected" | wc -l) string-built statements of its fixture"
  exit 0
fi
[ $# -gt 0 ] || { echo "usage: $0 DIR... | --self-test DIR" >&2; exit 2; }

# Statement words: the unmistakable ones in any case, the others in capitals
# (as our SQL writes them), so that error messages with "from" or "set" pass.
sql='"[^"]*(\b(?i:select|insert|update|delete|truncate|drop|alter|create|grant|revoke|listen|notify)\b|\b(WITH|SET|CALL|FROM|WHERE|VALUES|COPY|DO)\b)'
mapfile -t files < <(find "$@" -type f \( -name '*.cpp' -o -name '*.hpp' \) | sort)
[ ${#files[@]} -gt 0 ] || { echo "no C++ sources under $*" >&2; exit 2; }

found=0
report() { echo "$1: $2" >&2; found=$((found + 1)); }

while IFS= read -r hit; do report "$hit" "SQL text joined at run time"; done < <(
  grep -nHP "$sql[^\"]*\"\\s*(\\+|<<)|(\\+|<<|\\+=)\\s*$sql" "${files[@]}" || true)
while IFS= read -r hit; do report "$hit" "SQL text formatted at run time"; done < <(
  grep -nHP "(std::format|s?n?printf|fmt::format)\\s*\\(\\s*$sql" "${files[@]}" || true)
# A statement continued on the next line with +.
while IFS= read -r hit; do report "$hit" "SQL text joined at run time"; done < <(
  SQL='"[^"]*(SELECT|INSERT|UPDATE|DELETE|TRUNCATE|WITH|SET|FROM|WHERE|VALUES)' awk 'BEGIN { sql = ENVIRON["SQL"] }
    { if (previous_sql && $0 ~ /^[ \t]*\+/) print FILENAME ":" FNR ":" $0
      previous_sql = ($0 ~ sql) }' "${files[@]}")
while IFS= read -r hit; do report "$hit" "SQL in a mutable string"; done < <(
  grep -nHP "(?<!const )std::string\s+\w+\s*(=|\{)\s*$sql" "${files[@]}" || true)
while IFS= read -r hit; do report "$hit" "SQL text appended to"; done < <(
  grep -nHP "\b\w*(sql|query|statement)\w*\s*(\+=|\.append\()|$sql[^\"]*\"\s*\}?\s*\.append\(" "${files[@]}" || true)
while IFS= read -r hit; do report "$hit" "quoting or escaping values into SQL"; done < <(
  grep -nHP '\b(esc|esc_raw|esc_like|quote|quote_raw|quote_name|quote_table)\s*\(' "${files[@]}" || true)
while IFS= read -r hit; do report "$hit" "a statement that is neither a literal nor a named constant"; done < <(
  grep -nHP '\.(exec|exec0|exec1|exec_params|exec_prepared)\s*\(\s*(?!"(?:[^"\\]|\\.)*"\s*[,)]|[A-Za-z_:.]*(sql|name)\w*\s*[,)?]|std::string\{\w*sql\w*\})' "${files[@]}" || true)

if [ "$found" = 0 ]; then
  echo "${#files[@]} C++ sources: every SQL statement is constant text with parameters"
  exit 0
fi
echo "$found findings"
exit 1
