#include "schedule.hpp"

#include "random.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <sstream>

namespace evt_checker {

std::string component_configuration::describe() const {
  return (group_size == 0 ? std::string{"no group"} : "group of " + std::to_string(group_size)) + ", concurrency " +
         std::to_string(concurrency) +
         (per_batch ? ", per-batch " + std::to_string(transaction_messages) + " messages" : std::string{", per-write"});
}

std::string name_of(standby_mode mode) {
  switch (mode) {
    case standby_mode::none: return "none";
    case standby_mode::sync: return "synchronous";
    case standby_mode::async: return "asynchronous";
  }
  return "?";
}

std::string name_of(foreign_kind kind) {
  switch (kind) {
    case foreign_kind::forged: return "forged";
    case foreign_kind::forged_close: return "forged-close";
    case foreign_kind::other_stream: return "other-stream";
    case foreign_kind::evt_write: return "evt-write";
    case foreign_kind::ruby: return "ruby";
    case foreign_kind::poison: return "poison";
    case foreign_kind::copy_again: return "copy-again";
    case foreign_kind::service_event: return "service-event";
    case foreign_kind::unknown_event: return "unknown-event";
  }
  return "?";
}

std::string name_of(action_kind kind) {
  switch (kind) {
    case action_kind::restart_member: return "restart";
    case action_kind::kill_member: return "kill";
    case action_kind::reconfigure: return "reconfigure";
    case action_kind::replay: return "replay";
    case action_kind::crash: return "crash";
    case action_kind::detach: return "detach";
    case action_kind::failover: return "failover";
  }
  return "?";
}

const std::vector<std::string>& kinds() {
  static const std::vector<std::string> all{
      "restart", "kill", "concurrency", "group-size", "replay", "crash", "failover",
      "forged", "forged-close", "other-stream", "evt-write", "ruby", "poison", "copy-again",
      "service-event", "unknown-event"};
  return all;
}

std::string foreign_write::describe() const {
  std::string text = std::to_string(at_ms) + " ms: " + name_of(kind);
  if (!note.empty()) text += " (" + note + ")";
  if (times > 1) text += " x" + std::to_string(times);
  return text;
}

std::string action::describe() const {
  std::string text = std::to_string(at_ms) + " ms: " + name_of(kind);
  switch (kind) {
    case action_kind::restart_member: text += " member " + std::to_string(member); break;
    case action_kind::kill_member:
      text += " member " + std::to_string(member) + ", start again after " + std::to_string(pause_ms) + " ms";
      break;
    case action_kind::reconfigure:
      text += " to " + configuration.describe() + " (members stopped one by one, " + std::to_string(pause_ms) +
              " ms apart)";
      break;
    default: break;
  }
  return text;
}

std::string schedule::describe() const {
  std::ostringstream out;
  out << "schedule " << index << " (seed " << run_seed << ", schedule seed " << seed << ")\n"
      << "  cluster: " << (durable ? "durable commits" : "fsync off") << ", standby " << name_of(standby) << "\n"
      << "  component: " << initial.describe() << "\n"
      << "  accounts: " << accounts.size() << ", clients: " << clients.size() << ", logical commands: "
      << commands.size() << ", active for " << active_ms << " ms\n";
  for (std::size_t c = 0; c < clients.size(); ++c) {
    out << "  client " << c << ": " << clients[c].size() << " writes\n";
  }
  for (const auto& write : foreign) out << "  foreign " << write.describe() << "\n";
  for (const auto& a : actions) out << "  action " << a.describe() << "\n";
  return out.str();
}

namespace {

// Times as Ruby's clock writes them (ms, Z), a millisecond apart.
std::string clock_time(int n) {
  char text[40];
  std::snprintf(text, sizeof text, "2026-11-28T%02d:%02d:%02d.%03dZ", 4 + (n / 3'600'000) % 20, (n / 60'000) % 60,
                (n / 1000) % 60, n % 1000);
  return text;
}

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

std::string command_data(const std::string& type, const std::string& key_field, const std::string& key,
                         const std::string& account, const std::string& amount, const std::string& time) {
  if (type == "Open") {
    return "{\"accountId\": " + quoted(account) + ", \"customerId\": " + quoted("c-" + account) + ", \"time\": " +
           time + "}";
  }
  if (type == "Close") return "{\"accountId\": " + quoted(account) + ", \"time\": " + time + "}";
  return "{\"" + key_field + "\": " + quoted(key) + ", \"accountId\": " + quoted(account) + ", \"amount\": " + amount +
         ", \"time\": " + time + "}";
}

std::string key_field(const std::string& type) { return type == "Deposit" ? "depositId" : "withdrawalId"; }

const std::vector<std::string> client_amounts{"10", "25", "7", "100", "3", "11.5", "0.25", "4.0", "1", "50"};
const std::vector<std::string> ruby_amounts{"11.5", "4.0", "0.30000000000000004", "1.0e-05", "100", "2.5"};
const std::vector<std::string> ruby_times{"\"2026-11-28T04:52:15.067+00:00\"", "\"2026-11-28T05:52:15.067+01:00\"",
                                          "\"2026-11-28T04:52:15.067123Z\"", "null", "\"2026-11-28T04:52:15.067Z\""};
constexpr const char* too_much = "1000000";

class generator {
 public:
  generator(std::uint64_t run_seed, std::int64_t index, const generation& options)
      : random_{schedule_seed(run_seed, index)}, options_{options} {
    s_.run_seed = run_seed;
    s_.index = index;
    s_.seed = schedule_seed(run_seed, index);
  }

  schedule make() {
    configuration();
    accounts();
    client_commands();
    foreign_writes();
    actions();
    leave_out();
    return std::move(s_);
  }

 private:
  void configuration() {
    s_.durable = random_.chance(0.4);
    const auto standby = random_.weighted({4, 3, 3});
    s_.standby = standby == 0 ? standby_mode::none : standby == 1 ? standby_mode::sync : standby_mode::async;
    s_.initial = random_configuration();
    s_.active_ms = static_cast<int>(random_.between(12'000, 24'000));
  }

  component_configuration random_configuration() {
    const bool per_batch = !random_.chance(0.25);
    constexpr std::array transaction_messages{100, 7, 2};
    return {.group_size = static_cast<int>(random_.weighted({3, 1, 3, 2})),
            .concurrency = static_cast<int>(random_.between(1, 4)),
            .per_batch = per_batch,
            .transaction_messages = per_batch ? transaction_messages.at(random_.weighted({2, 1, 1})) : 100};
  }

  void accounts() {
    const auto count = random_.between(5, 30);
    const auto tag = random_.tag(4);
    for (std::int64_t a = 0; a < count; ++a) s_.accounts.push_back("acc" + tag + "x" + std::to_string(a));
  }

  std::size_t add_command(command c) {
    s_.commands.push_back(std::move(c));
    return s_.commands.size() - 1;
  }

  std::size_t new_command(const std::string& type, const std::string& account, const std::string& amount,
                          const std::string& time, const std::string& origin) {
    std::string key = type == "Open" ? "open:" + account : type == "Close" ? "close:" + account : random_.uuid();
    const auto data = command_data(type, key_field(type), key, account, amount, time);
    return add_command({.key = key, .type = type, .account = account, .data = data, .origin = origin});
  }

  // Each account opened first (by some client), then deposits and
  // withdrawals (some too large: rejected), now and then a Close (deposits
  // and withdrawals still apply after it, SPEC 7.5). Duplicates: the same
  // logical command written again later, by the same client or another.
  void client_commands() {
    const auto clients = random_.between(2, 4);
    s_.clients.resize(static_cast<std::size_t>(clients));
    std::vector<std::vector<std::size_t>> order(s_.clients.size());
    for (const auto& account : s_.accounts) {
      const auto client = static_cast<std::size_t>(random_.between(0, clients - 1));
      order[client].push_back(new_command("Open", account, "", quoted(clock_time(n_++)), "client"));
    }
    const auto operations = std::max<std::int64_t>(options_.operations, static_cast<std::int64_t>(s_.accounts.size()));
    std::vector<bool> closed(s_.accounts.size(), false);
    for (auto k = static_cast<std::int64_t>(s_.accounts.size()); k < operations; ++k) {
      const auto a = static_cast<std::size_t>(random_.between(0, static_cast<std::int64_t>(s_.accounts.size()) - 1));
      const auto& account = s_.accounts[a];
      const auto client = static_cast<std::size_t>(random_.between(0, clients - 1));
      const auto draw = random_.weighted({55, 35, 6, 4});
      std::size_t c = 0;
      if (draw == 0) {
        c = new_command("Deposit", account, random_.pick(client_amounts), quoted(clock_time(n_++)), "client");
      } else if (draw == 1) {
        c = new_command("Withdraw", account, random_.pick(client_amounts), quoted(clock_time(n_++)), "client");
      } else if (draw == 2) {
        c = new_command("Withdraw", account, too_much, quoted(clock_time(n_++)), "client");
      } else {
        if (closed[a]) {
          c = new_command("Deposit", account, "1", quoted(clock_time(n_++)), "client");
        } else {
          closed[a] = true;
          c = new_command("Close", account, "", quoted(clock_time(n_++)), "client");
        }
      }
      order[client].push_back(c);
    }
    // Duplicates: about a third of the commands written again, 1 to 12
    // writes later, by the same client or (one in four) another.
    std::vector<std::vector<std::size_t>> writes(order.size());
    std::vector<std::vector<std::pair<int, std::size_t>>> pending(order.size());
    for (std::size_t client = 0; client < order.size(); ++client) {
      for (const auto c : order[client]) {
        writes[client].push_back(c);
        if (random_.chance(0.33)) {
          auto to = client;
          if (random_.chance(0.25)) to = static_cast<std::size_t>(random_.between(0, clients - 1));
          pending[to].emplace_back(static_cast<int>(writes[to].size() + random_.between(1, 12)), c);
        }
      }
    }
    for (std::size_t client = 0; client < order.size(); ++client) {
      std::sort(pending[client].begin(), pending[client].end());
      std::vector<std::size_t> merged;
      std::size_t p = 0;
      for (std::size_t w = 0; w < writes[client].size(); ++w) {
        while (p < pending[client].size() && pending[client][p].first <= static_cast<int>(merged.size())) {
          merged.push_back(pending[client][p++].second);
        }
        merged.push_back(writes[client][w]);
      }
      while (p < pending[client].size()) merged.push_back(pending[client][p++].second);
      // Paced over the active phase, unevenly.
      const auto mean = std::max(5, static_cast<int>(s_.active_ms / std::max<std::size_t>(merged.size(), 1)));
      for (const auto c : merged) {
        s_.clients[client].push_back({.command = c, .pause_ms = static_cast<int>(random_.between(0, 2 * mean))});
      }
    }
  }

  int moment() { return static_cast<int>(random_.between(s_.active_ms / 20, s_.active_ms * 9 / 10)); }

  // A client's command of one of these types, or (when the clients have
  // none) a new one of the first type.
  std::size_t client_command_of_type(const std::vector<std::string>& types) {
    std::vector<std::size_t> candidates;
    for (std::size_t c = 0; c < s_.commands.size(); ++c) {
      if (s_.commands[c].origin == "client" &&
          std::find(types.begin(), types.end(), s_.commands[c].type) != types.end()) {
        candidates.push_back(c);
      }
    }
    if (candidates.empty()) {
      return new_command(types.front(), any_account(), random_.pick(client_amounts), quoted(clock_time(n_++)), "foreign");
    }
    return random_.pick(candidates);
  }

  const std::string& any_account() { return random_.pick(s_.accounts); }

  // A Deposit or Withdraw key some client uses, to show that a refused
  // command leaves it to the valid one (or a fresh key).
  std::string live_or_fresh_key(const std::string& type) {
    if (random_.chance(0.5)) {
      for (int tries = 0; tries < 50; ++tries) {
        const auto& c = random_.pick(s_.commands);
        if (c.origin == "client" && c.type == type) return c.key;
      }
    }
    return random_.uuid();
  }

  // One of the kinds of poison: a message the component must park, for the
  // error class it names, and no other effect. Some reuse the key of a valid
  // command, which they must leave to it.
  foreign_write poison() {
    const auto& account = any_account();
    std::string other = any_account();
    if (other == account) other = account + "other";
    const auto stream = "account:command-" + account;
    const auto time = quoted(clock_time(n_++));
    const auto deposit = [&](const std::string& key_json, const std::string& amount, const std::string& t = {}) {
      return "{\"depositId\": " + key_json + ", \"accountId\": " + quoted(account) + ", \"amount\": " + amount +
             ", \"time\": " + (t.empty() ? time : t) + "}";
    };
    const auto live = [&](const char* type) { return quoted(live_or_fresh_key(type)); };
    const auto fresh = [&] { return quoted(random_.uuid()); };
    struct kind {
      const char* note;
      const char* type;
      const char* error_class;
      std::function<std::string()> data;
      std::optional<std::string> metadata = std::nullopt;
    };
    const char* decode = "evt::decode_error";
    const char* invalid = "evt::invalid_message_error";
    const char* reservation = "evt::reservation_error";
    const std::vector<kind> kinds{
        {"metadata a string", "Deposit", decode, [&] { return deposit(live("Deposit"), "1"); }, "\"text\""},
        {"metadata an array", "Deposit", decode, [&] { return deposit(live("Deposit"), "1"); }, "[1, 2]"},
        {"metadata field of the wrong type", "Deposit", decode, [&] { return deposit(fresh(), "1"); },
         "{\"causationMessagePosition\": \"abc\"}"},
        {"metadata properties not an object", "Deposit", decode, [&] { return deposit(fresh(), "1"); },
         "{\"properties\": 5}"},
        {"deposit id a number", "Deposit", decode, [&] { return deposit("5", "1"); }},
        {"data an array", "Deposit", decode, [] { return std::string{"[1, 2]"}; }},
        {"withdrawal without an account id", "Withdraw", decode,
         [&] { return "{\"withdrawalId\": " + fresh() + ", \"amount\": 1}"; }},
        {"key of 300 bytes", "Deposit", reservation, [&] { return deposit(quoted(std::string(300, 'k')), "1"); }},
        {"key with '+'", "Deposit", reservation,
         [&] { return deposit(quoted(random_.tag(6) + "+" + random_.tag(6)), "1"); }},
        {"blank key", "Deposit", reservation, [&] { return deposit("\"\"", "1"); }},
        {"negative amount", "Deposit", invalid, [&] { return deposit(live("Deposit"), "-5"); }},
        {"zero amount", "Withdraw", invalid,
         [&] {
           return "{\"withdrawalId\": " + live("Withdraw") + ", \"accountId\": " + quoted(account) +
                  ", \"amount\": 0, \"time\": null}";
         }},
        {"amount a string", "Deposit", decode, [&] { return deposit(live("Deposit"), "\"abc\""); }},
        {"amount a boolean", "Deposit", decode, [&] { return deposit(live("Deposit"), "true"); }},
        {"absurd amount", "Deposit", invalid, [&] { return deposit(live("Deposit"), "1.0e+20"); }},
        {"amount finer than 20 places", "Deposit", invalid,
         [&] { return deposit(live("Deposit"), "0.000000000000000000001"); }},
        {"account id not the stream's", "Deposit", invalid,
         [&] {
           return "{\"depositId\": " + fresh() + ", \"accountId\": " + quoted(other) + ", \"amount\": 1, \"time\": " +
                  time + "}";
         }},
        {"time not a time", "Deposit", decode, [&] { return deposit(live("Deposit"), "1", "\"yesterday\""); }},
        {"Open of another account's id", "Open", invalid,
         [&] { return "{\"accountId\": " + quoted(other) + ", \"customerId\": \"x\", \"time\": null}"; }},
        {"Close with metadata a string", "Close", decode,
         [&] { return "{\"accountId\": " + quoted(account) + ", \"time\": " + time + "}"; }, "\"text\""},
        {"amount null", "Withdraw", decode,
         [&] {
           return "{\"withdrawalId\": " + live("Withdraw") + ", \"accountId\": " + quoted(account) +
                  ", \"amount\": null, \"time\": null}";
         }},
    };
    const auto& chosen = random_.pick(kinds);
    return foreign_write{.at_ms = moment(),
                         .kind = foreign_kind::poison,
                         .stream = stream,
                         .type = chosen.type,
                         .data = chosen.data(),
                         .metadata = chosen.metadata,
                         .error_classes = {chosen.error_class},
                         .note = std::string{chosen.note} + ", " + stream};
  }

  void foreign_writes() {
    const auto count = random_.between(4, 14);
    for (std::int64_t k = 0; k < count; ++k) {
      const auto kind = random_.weighted({8, 4, 8, 6, 12, 24, 10, 5, 3});
      foreign_write w{.at_ms = moment()};
      switch (kind) {
        case 0: {
          w.kind = foreign_kind::forged;
          if (random_.chance(0.5)) {
            w.command = client_command_of_type({"Deposit", "Withdraw", "Open"});
            w.note = "again, " + s_.commands[*w.command].type + " " + s_.commands[*w.command].key;
          } else {
            const auto type = random_.pick(std::vector<std::string>{"Deposit", "Withdraw", "Open"});
            w.command = new_command(type, any_account(), random_.pick(client_amounts), quoted(clock_time(n_++)),
                                    "forged");
            w.note = "new " + type + " " + s_.commands[*w.command].key;
          }
          w.times = static_cast<int>(random_.between(1, 2));
          break;
        }
        case 1:
          // Later in the phase, when accounts have deposits; mostly a
          // client's Close written again with the marker.
          w.kind = foreign_kind::forged_close;
          w.at_ms = static_cast<int>(random_.between(s_.active_ms * 3 / 10, s_.active_ms * 9 / 10));
          if (random_.chance(0.6)) {
            w.command = client_command_of_type({"Close"});
            w.note = "again, " + s_.commands[*w.command].key;
          } else {
            w.command = new_command("Close", any_account(), "", quoted(clock_time(n_++)), "forged");
            w.note = "new " + s_.commands[*w.command].key;
          }
          w.times = static_cast<int>(random_.between(1, 2));
          break;
        case 2:
          w.kind = foreign_kind::other_stream;
          w.command = client_command_of_type({"Deposit", "Withdraw"});
          w.note = s_.commands[*w.command].type + " " + s_.commands[*w.command].key + " to account:command-" +
                   s_.commands[*w.command].account + "+other";
          break;
        case 3:
          w.kind = foreign_kind::evt_write;
          w.command = client_command_of_type({"Deposit", "Withdraw", "Open", "Close"});
          w.note = s_.commands[*w.command].type + " " + s_.commands[*w.command].key;
          break;
        case 4: {
          w.kind = foreign_kind::ruby;
          const auto draw = random_.weighted({6, 3, 1, 1});
          const auto& account = any_account();
          if (draw == 0) {
            w.command = new_command("Deposit", account, random_.pick(ruby_amounts), random_.pick(ruby_times), "ruby");
          } else if (draw == 1) {
            w.command = new_command("Withdraw", account, random_.pick(ruby_amounts), random_.pick(ruby_times), "ruby");
          } else if (draw == 2) {
            w.command = new_command("Open", account, "", "null", "ruby");
          } else {
            w.command = new_command("Close", account, "", random_.pick(ruby_times), "ruby");
          }
          if (random_.chance(0.5)) {
            w.metadata = "{\"correlationStreamName\": \"billing-" + random_.tag(4) +
                         "\", \"properties\": {\"source\": \"ruby\"}}";
          }
          w.times = static_cast<int>(random_.between(1, 3));
          w.note = s_.commands[*w.command].data;
          break;
        }
        case 5: w = poison(); break;
        case 6: w.kind = foreign_kind::copy_again; break;
        case 7: {
          w.kind = foreign_kind::service_event;
          const auto& account = any_account();
          w.stream = "account-" + account;
          w.type = "Deposited";
          // The sequence (the global position of the service's own command,
          // written just before) is set when it runs.
          w.data = "{\"depositId\": " + quoted("svc-" + random_.uuid()) + ", \"accountId\": " + quoted(account) +
                   ", \"amount\": " + random_.pick(ruby_amounts) + ", \"time\": " + quoted(clock_time(n_++)) +
                   ", \"processedTime\": \"2026-11-28T04:52:15.067123Z\"";
          w.note = w.stream;
          break;
        }
        default: {
          w.kind = foreign_kind::unknown_event;
          const auto& account = any_account();
          w.stream = "account-" + account;
          w.type = "AccountFlagged";
          w.data = "{\"accountId\": " + quoted(account) + ", \"reason\": \"review\", \"time\": " +
                   quoted(clock_time(n_++)) + "}";
          w.note = w.stream;
          break;
        }
      }
      s_.foreign.push_back(std::move(w));
    }
    std::stable_sort(s_.foreign.begin(), s_.foreign.end(),
                     [](const foreign_write& a, const foreign_write& b) { return a.at_ms < b.at_ms; });
  }

  void actions() {
    const auto count = random_.between(2, 6);
    auto configuration = s_.initial;
    bool failed_over = false;
    std::vector<int> moments;
    for (std::int64_t k = 0; k < count; ++k) moments.push_back(moment());
    std::sort(moments.begin(), moments.end());
    int last = -100'000;
    for (auto at : moments) {
      at = std::max(at, last + 1500);  // one thing at a time, mostly
      last = at;
      action a{.at_ms = at};
      const auto kind = random_.weighted({14, 18, 10, 10, 10, 14, s_.standby == standby_mode::none || failed_over ? 0 : 12});
      switch (kind) {
        case 0:
          a.kind = action_kind::restart_member;
          a.member = static_cast<int>(random_.between(0, configuration.members() - 1));
          break;
        case 1:
          a.kind = action_kind::kill_member;
          a.member = static_cast<int>(random_.between(0, configuration.members() - 1));
          a.pause_ms = static_cast<int>(random_.between(0, 1500));
          break;
        case 2:
          a.kind = action_kind::reconfigure;
          a.configuration = configuration;
          while (a.configuration == configuration) a.configuration.concurrency = static_cast<int>(random_.between(1, 4));
          configuration = a.configuration;
          a.pause_ms = static_cast<int>(random_.between(0, 1500));
          break;
        case 3:
          a.kind = action_kind::reconfigure;
          a.configuration = configuration;
          while (a.configuration.group_size == configuration.group_size) a.configuration = random_configuration();
          configuration = a.configuration;
          a.pause_ms = static_cast<int>(random_.between(0, 1500));
          break;
        case 4: a.kind = action_kind::replay; break;
        case 5: a.kind = action_kind::crash; break;
        default: {
          failed_over = true;
          if (s_.standby == standby_mode::async && random_.chance(0.8)) {
            s_.actions.push_back({.at_ms = at, .kind = action_kind::detach});
            at += static_cast<int>(random_.between(2000, 6000));
            last = at;
          }
          a.at_ms = at;
          a.kind = action_kind::failover;
          break;
        }
      }
      s_.actions.push_back(a);
    }
  }

  // --without: the choices are all made first, so that leaving a kind out
  // changes nothing else of the schedule.
  void leave_out() {
    const auto& without = options_.without;
    std::erase_if(s_.foreign, [&](const foreign_write& w) { return without.contains(name_of(w.kind)); });
    component_configuration planned = s_.initial;  // as generated
    component_configuration kept_configuration = s_.initial;
    std::vector<action> kept;
    for (auto a : s_.actions) {
      std::string name = name_of(a.kind);
      if (a.kind == action_kind::detach) name = "failover";
      if (a.kind == action_kind::reconfigure) {
        name = a.configuration.group_size == planned.group_size ? "concurrency" : "group-size";
        planned = a.configuration;
        // A change of concurrency alone stays one when a change of group
        // size before it was left out.
        if (name == "concurrency") a.configuration.group_size = kept_configuration.group_size;
      }
      if (without.contains(name)) continue;
      if (a.kind == action_kind::reconfigure) kept_configuration = a.configuration;
      if (a.kind == action_kind::restart_member || a.kind == action_kind::kill_member) {
        a.member %= kept_configuration.members();
      }
      kept.push_back(a);
    }
    s_.actions = std::move(kept);
  }

  random random_;
  generation options_;
  schedule s_;
  int n_ = 0;
};

}  // namespace

schedule generate(std::uint64_t run_seed, std::int64_t index, const generation& options) {
  return generator{run_seed, index, options}.make();
}

}  // namespace evt_checker
