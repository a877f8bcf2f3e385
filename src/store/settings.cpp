#include <evt/store/settings.hpp>

#include <evt/error.hpp>

#include <cctype>
#include <optional>
#include <string>
#include <string_view>

namespace evt::store {
namespace {

constexpr std::string_view keyword = "evt_pool_mode";

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

bool is_uri(std::string_view conninfo) {
  return conninfo.starts_with("postgresql://") || conninfo.starts_with("postgres://");
}

// One "keyword = value" of a libpq keyword/value conninfo: where it starts
// and ends, and its value unquoted ('...' with \' and \\).
struct pair {
  std::size_t start = 0;
  std::size_t end = 0;
  std::string keyword;
  std::string value;
};

std::optional<pair> next_pair(std::string_view text, std::size_t from) {
  while (from < text.size() && is_space(text[from])) ++from;
  if (from == text.size()) return std::nullopt;
  pair found;
  found.start = from;
  auto at = from;
  while (at < text.size() && text[at] != '=' && !is_space(text[at])) found.keyword += text[at++];
  while (at < text.size() && is_space(text[at])) ++at;
  // No piece of the conninfo in the message: it may be part of a password.
  if (at == text.size() || text[at] != '=') throw error{"Unreadable conninfo: a keyword without a value"};
  ++at;
  while (at < text.size() && is_space(text[at])) ++at;
  if (at < text.size() && text[at] == '\'') {
    for (++at; at < text.size() && text[at] != '\''; ++at) {
      if (text[at] == '\\' && at + 1 < text.size()) ++at;
      found.value += text[at];
    }
    if (at == text.size()) throw error{"Unreadable conninfo: a quoted value is not closed"};
    ++at;
  } else {
    while (at < text.size() && !is_space(text[at])) {
      if (text[at] == '\\' && at + 1 < text.size()) ++at;
      found.value += text[at++];
    }
  }
  found.end = at;
  return found;
}

store::pool_mode mode_named(const std::string& value) {
  if (value == "session") return store::pool_mode::session;
  if (value == "transaction") return store::pool_mode::transaction;
  throw error{"evt_pool_mode must be session or transaction, not \"" + value + "\""};
}

void take_once(std::optional<std::string>& taken, std::string value) {
  if (taken) throw error{"The conninfo gives evt_pool_mode more than once"};
  taken = std::move(value);
}

// "?a=1&evt_pool_mode=transaction&b=2" loses its evt_pool_mode. The value
// is a plain word, so no percent-decoding is needed to recognise it.
std::optional<std::string> take_from_uri(std::string& conninfo) {
  const auto query = conninfo.find('?');
  if (query == std::string::npos) return std::nullopt;
  std::optional<std::string> taken;
  std::string kept;
  std::string_view rest{conninfo};
  rest.remove_prefix(query + 1);
  while (true) {
    const auto end = rest.find('&');
    const auto parameter = rest.substr(0, end);
    if (parameter.starts_with(keyword) && parameter.size() > keyword.size() && parameter[keyword.size()] == '=') {
      take_once(taken, std::string{parameter.substr(keyword.size() + 1)});
    } else if (!parameter.empty()) {
      kept += (kept.empty() ? "" : "&") + std::string{parameter};
    }
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  conninfo.erase(query);
  if (!kept.empty()) conninfo += "?" + kept;
  return taken;
}

std::optional<std::string> take_from_keywords(std::string& conninfo) {
  std::optional<std::string> taken;
  std::size_t from = 0;
  while (const auto found = next_pair(conninfo, from)) {
    if (found->keyword != keyword) {
      from = found->end;
      continue;
    }
    take_once(taken, found->value);
    conninfo.erase(found->start, found->end - found->start);
    from = found->start;
  }
  return taken;
}

}  // namespace

settings with_conninfo_options(settings settings) {
  if (settings.conninfo.find(keyword) == std::string::npos) return settings;
  const auto taken = is_uri(settings.conninfo) ? take_from_uri(settings.conninfo) : take_from_keywords(settings.conninfo);
  if (taken) settings.pool_mode = mode_named(*taken);
  return settings;
}

}  // namespace evt::store
