#include "checks.hpp"

#include <algorithm>
#include <set>

namespace evt_checker {

namespace {

constexpr std::size_t most_evidence = 12;  // lines of evidence per violation, at most

bool is_outcome_of(const stored& event, const command& c) {
  if (c.type == "Deposit") return event.message.type == "Deposited" && event.key == c.key;
  if (c.type == "Withdraw") {
    return (event.message.type == "Withdrawn" || event.message.type == "WithdrawalRejected") && event.key == c.key;
  }
  if (c.type == "Open") return event.message.type == "Opened";
  if (c.type == "Close") return event.message.type == "Closed";
  return false;
}

std::string amount_of(const stored& s) { return s.amount_text.value_or("?"); }

std::string event_line(const stored& e) {
  std::string line = e.describe();
  if (e.key) line += " key " + *e.key;
  if (e.amount_text) line += " amount " + *e.amount_text;
  if (e.sequence) line += " sequence " + std::to_string(*e.sequence);
  return line;
}

void add_line(std::string& evidence, std::size_t& lines, const std::string& line) {
  if (lines == most_evidence) evidence += "\n    ...";
  if (lines++ >= most_evidence) return;
  evidence += "\n    " + line;
}

std::string positions_line(const snapshot& s) {
  std::string text = "last global position of account:command: " + std::to_string(s.last_global_position) +
                     "; recorded positions:";
  for (const auto& p : s.positions) {
    text += " " + p.stream + "=" + std::to_string(p.position);
    if (p.member && p.size) text += " (" + std::to_string(*p.member) + "/" + std::to_string(*p.size) + ")";
  }
  return text;
}

}  // namespace

checker::checker(const schedule& schedule, std::vector<attempt> attempts, run_facts facts)
    : schedule_{schedule}, attempts_{std::move(attempts)}, facts_{facts} {
  for (std::size_t a = 0; a < attempts_.size(); ++a) attempt_by_id_[attempts_[a].message_id] = a;
  for (std::size_t c = 0; c < schedule_.commands.size(); ++c) {
    const auto& command = schedule_.commands[c];
    if (command.type == "Deposit" || command.type == "Withdraw") command_by_key_[command.key] = c;
  }
}

checker::classified checker::classify(const snapshot& s, const std::string& id, int depth) const {
  if (const auto a = attempt_by_id_.find(id); a != attempt_by_id_.end()) {
    const auto& written = attempts_[a->second];
    classified c{.command = written.command, .error_classes = written.error_classes, .origin = written.writer};
    switch (written.role) {
      case role::valid: c.kind = kind::valid; break;
      case role::poison: c.kind = kind::poison; break;
      case role::copy_again: c.kind = kind::copy_again; break;
      case role::event: c.kind = kind::unknown; break;
    }
    return c;
  }
  if (const auto r = s.replayed_from.find(id); r != s.replayed_from.end() && depth < 50) {
    auto c = classify(s, r->second, depth + 1);
    c.replay = true;
    c.origin = "replay of parked message " + r->second + " (" + c.origin + ")";
    return c;
  }
  if (const auto* m = s.command_with_id(id)) {
    if (m->marked && m->message.position == 0 && m->message.stream_name.find('+') != std::string::npos) {
      classified c{.kind = kind::reserved_copy, .origin = "the component's reserved copy"};
      if (m->key) {
        if (const auto k = command_by_key_.find(*m->key); k != command_by_key_.end()) c.command = k->second;
      }
      return c;
    }
  }
  return {.kind = kind::unknown, .origin = "not written by the checker"};
}

std::vector<checker::classified> checker::classify_all(const snapshot& s) const {
  std::vector<classified> all;
  all.reserve(s.commands.size());
  for (const auto& m : s.commands) all.push_back(classify(s, m.message.id));
  return all;
}

std::string checker::describe(const classified& c) const {
  std::string text;
  switch (c.kind) {
    case kind::valid: text = "valid command"; break;
    case kind::poison: text = "poison"; break;
    case kind::copy_again: text = "reserved copy written again"; break;
    case kind::reserved_copy: text = "reserved copy"; break;
    case kind::unknown: text = "unknown message"; break;
  }
  if (c.command) text += " of " + schedule_.commands[*c.command].type + " " + schedule_.commands[*c.command].key;
  return text + ", " + c.origin;
}

std::vector<const stored*> checker::outcomes_of(const snapshot& s, const command& c) const {
  std::vector<const stored*> found;
  for (const auto& e : events_of(s, c.account)) {
    if (is_outcome_of(e, c)) found.push_back(&e);
  }
  return found;
}

std::string checker::cause_of(const snapshot& s, const stored& event) const {
  if (!event.sequence) return "no sequence";
  const auto* cause = s.command_at(*event.sequence);
  if (cause == nullptr) return "sequence " + std::to_string(*event.sequence) + ": no message of account:command there";
  std::string text = "caused by " + cause->describe() + ": " + describe(classify(s, cause->message.id));
  return text;
}

std::vector<std::string> checker::pending(const snapshot& s) const {
  std::vector<std::string> pending;
  const auto classes = classify_all(s);
  std::set<std::size_t> present;
  for (std::size_t i = 0; i < s.commands.size(); ++i) {
    const auto& c = classes[i];
    if ((c.kind == kind::valid || c.kind == kind::reserved_copy) && c.command) present.insert(*c.command);
    if (c.kind == kind::poison || c.kind == kind::copy_again) {
      const auto& m = s.commands[i];
      if (s.dead_letters_by_message_id.contains(m.message.id)) continue;
      bool took_effect = false;
      if (m.account_id) {
        for (const auto& e : events_of(s, *m.account_id)) took_effect |= e.sequence == m.message.global_position;
      }
      if (!took_effect) pending.push_back("not parked yet: " + m.describe() + ", " + describe(c));
    }
  }
  for (const auto c : present) {
    const auto& command = schedule_.commands[c];
    if (outcomes_of(s, command).empty()) {
      pending.push_back("no outcome yet: " + command.type + " " + command.key + " of account " + command.account);
    }
  }
  return pending;
}

std::vector<violation> checker::check(const snapshot& s) const {
  std::vector<violation> found;
  const auto classes = classify_all(s);

  // No deposit or withdrawal id takes effect twice; one Opened, one Closed.
  for (const auto& [stream, events] : s.accounts) {
    std::map<std::pair<std::string, std::string>, std::vector<const stored*>> by_key;
    std::vector<const stored*> opened;
    std::vector<const stored*> closed;
    for (const auto& e : events) {
      const auto& type = e.message.type;
      if ((type == "Deposited" || type == "Withdrawn" || type == "WithdrawalRejected") && e.key) {
        by_key[{type == "Deposited" ? "deposit" : "withdrawal", *e.key}].push_back(&e);
      }
      if (type == "Opened") opened.push_back(&e);
      if (type == "Closed") closed.push_back(&e);
    }
    for (const auto& [key, outcomes] : by_key) {
      if (outcomes.size() < 2) continue;
      violation v{.invariant = "no deposit or withdrawal id takes effect twice",
                  .subject = stream + " " + key.first + " " + key.second};
      v.evidence = key.first + " id " + key.second + " took effect " + std::to_string(outcomes.size()) + " times in " +
                   stream + ":";
      std::size_t lines = 0;
      for (const auto* e : outcomes) add_line(v.evidence, lines, event_line(*e) + "; " + cause_of(s, *e));
      found.push_back(std::move(v));
    }
    for (const auto& [type, list] : {std::pair{"Opened", &opened}, std::pair{"Closed", &closed}}) {
      if (list->size() < 2) continue;
      violation v{.invariant = "an account is opened once and closed once", .subject = stream + " " + type};
      v.evidence = std::to_string(list->size()) + " " + type + " events in " + stream + ":";
      std::size_t lines = 0;
      for (const auto* e : *list) add_line(v.evidence, lines, event_line(*e));
      found.push_back(std::move(v));
    }
  }

  // Every valid command in the store takes effect exactly once, with its values.
  std::map<std::size_t, std::vector<std::size_t>> messages_of;  // command -> its messages in the store
  for (std::size_t i = 0; i < s.commands.size(); ++i) {
    if ((classes[i].kind == kind::valid || classes[i].kind == kind::reserved_copy) && classes[i].command) {
      messages_of[*classes[i].command].push_back(i);
    }
  }
  for (const auto& [c, messages] : messages_of) {
    const auto& command = schedule_.commands[c];
    const auto outcomes = outcomes_of(s, command);
    if (outcomes.empty()) {
      violation v{.invariant = "every valid command in the store takes effect exactly once",
                  .subject = "no outcome " + command.type + " " + command.key};
      v.evidence = command.type + " " + command.key + " of account " + command.account + " (" + command.origin +
                   ", data " + command.data + ") is in the store without an outcome in account-" + command.account +
                   ":";
      std::size_t lines = 0;
      for (const auto i : messages) {
        const auto& m = s.commands[i];
        std::string line = m.describe() + ": " + describe(classes[i]);
        if (const auto d = s.dead_letters_by_message_id.find(m.message.id); d != s.dead_letters_by_message_id.end()) {
          const auto& letter = s.dead_letters[d->second.front()];
          line += "; parked: " + letter.error_class + ": " + letter.error;
        }
        add_line(v.evidence, lines, line);
      }
      add_line(v.evidence, lines, positions_line(s));
      found.push_back(std::move(v));
      continue;
    }
    if (outcomes.size() != 1 || (command.type != "Deposit" && command.type != "Withdraw")) continue;
    const auto& e = *outcomes.front();
    const auto written = json_number_text(command.data, "amount");
    const auto expected = written ? decimal::parse(*written) : std::nullopt;
    std::string differences;
    if (!expected || !e.amount || *expected != *e.amount) {
      differences += " amount " + amount_of(e) + " (written " + written.value_or("?") + ")";
    }
    if (e.message.type != "WithdrawalRejected") {
      const auto& m = s.commands[messages.front()];
      if (m.time != e.time) differences += " time " + e.time.value_or("none") + " (written " + m.time.value_or("none") + ")";
    }
    if (!differences.empty()) {
      found.push_back({.invariant = "an outcome carries the values its command was written with",
                       .subject = "values " + command.key,
                       .evidence = event_line(e) + " for " + command.type + " " + command.key + ":" + differences});
    }
  }

  // An acknowledged write is in the store, unless a lossy failover took it.
  std::set<std::string> event_ids;
  for (const auto& [stream, events] : s.accounts) {
    for (const auto& e : events) event_ids.insert(e.message.id);
  }
  for (const auto& a : attempts_) {
    if (a.outcome != outcome::acknowledged) continue;
    const bool command_stream = a.stream.rfind("account:command-", 0) == 0;
    const bool account_stream = a.stream.rfind("account-", 0) == 0;
    if (!command_stream && !account_stream) continue;
    const bool in = command_stream ? s.command_by_id.contains(a.message_id) : event_ids.contains(a.message_id);
    if (in) continue;
    if (facts_.lossy_failover && a.ended < *facts_.lossy_failover) continue;  // lost(): reported, not a violation
    found.push_back({.invariant = "an acknowledged write is in the store",
                     .subject = "acknowledged " + a.message_id,
                     .evidence = a.writer + " wrote " + a.type + " " + a.message_id + " to " + a.stream +
                                 (a.position ? " at position " + std::to_string(*a.position) : std::string{}) +
                                 ", acknowledged, and it is not in the store" +
                                 (facts_.lossy_failover ? " (acknowledged after the lossy failover)" : "")});
  }

  // Withdrawals: replaying each account stream in order.
  for (const auto& [stream, events] : s.accounts) {
    decimal balance;
    for (const auto& e : events) {
      const auto& type = e.message.type;
      if (type != "Deposited" && type != "Withdrawn" && type != "WithdrawalRejected") continue;
      if (!e.amount) {
        found.push_back({.invariant = "events have amounts",
                         .subject = "amount " + e.message.id,
                         .evidence = event_line(e) + " has no amount the checker can read"});
        continue;
      }
      if (type == "Deposited") {
        balance = balance + *e.amount;
      } else if (type == "Withdrawn") {
        if (*e.amount > balance) {
          found.push_back({.invariant = "a withdrawal never takes the balance below zero",
                           .subject = "overdrawn " + e.message.id,
                           .evidence = event_line(e) + " withdrew " + amount_of(e) + " from a balance of " +
                                       balance.to_string() + "; " + cause_of(s, e)});
        }
        balance = balance - *e.amount;
      } else if (!(*e.amount > balance)) {
        found.push_back({.invariant = "a withdrawal is rejected only when the balance is below its amount",
                         .subject = "rejected " + e.message.id,
                         .evidence = event_line(e) + " rejected " + amount_of(e) + " at a balance of " +
                                     balance.to_string() + "; " + cause_of(s, e)});
      }
    }
  }

  // Refused messages: parked once, with the reason expected, and no effect.
  for (std::size_t i = 0; i < s.commands.size(); ++i) {
    const auto& c = classes[i];
    const auto& m = s.commands[i];
    const auto letters = s.dead_letters_by_message_id.find(m.message.id);
    const auto parked = letters == s.dead_letters_by_message_id.end() ? std::size_t{0} : letters->second.size();
    if (parked > 1) {
      violation v{.invariant = "a refused message is parked once", .subject = "parked twice " + m.message.id};
      v.evidence = m.describe() + " (" + describe(c) + ") is parked " + std::to_string(parked) + " times:";
      std::size_t lines = 0;
      for (const auto d : letters->second) add_line(v.evidence, lines, s.dead_letters[d].letter.describe());
      found.push_back(std::move(v));
    }
    if (c.kind == kind::poison || c.kind == kind::copy_again) {
      std::vector<const stored*> effects;
      if (m.account_id) {
        for (const auto& e : events_of(s, *m.account_id)) {
          if (e.sequence == m.message.global_position) effects.push_back(&e);
        }
      }
      if (!effects.empty()) {
        violation v{.invariant = "a message that is not a valid command takes no effect",
                    .subject = "took effect " + m.message.id};
        v.evidence = m.describe() + " (" + describe(c) + ") took effect:";
        std::size_t lines = 0;
        for (const auto* e : effects) add_line(v.evidence, lines, event_line(*e));
        found.push_back(std::move(v));
      } else if (parked == 0) {
        found.push_back({.invariant = "every refused message is parked with a reason",
                         .subject = "not parked " + m.message.id,
                         .evidence = m.describe() + " (" + describe(c) + ", data " + m.message.data.value_or("null") +
                                     ", metadata " + m.message.metadata.value_or("null") +
                                     ") has no dead letter in account:command+deadLetter; " + positions_line(s)});
      }
      if (parked > 0) {
        const auto& letter = s.dead_letters[letters->second.front()];
        const bool expected_class = std::find(c.error_classes.begin(), c.error_classes.end(), letter.error_class) !=
                                    c.error_classes.end();
        if (letter.error.empty() || !expected_class) {
          found.push_back({.invariant = "every refused message is parked with a reason",
                           .subject = "reason " + m.message.id,
                           .evidence = m.describe() + " (" + describe(c) + ") is parked in " +
                                       letter.letter.describe() + " for " + letter.error_class + ": " + letter.error +
                                       " (expected one of:" +
                                       [&] {
                                         std::string e;
                                         for (const auto& k : c.error_classes) e += " " + k;
                                         return e;
                                       }() +
                                       ")"});
        }
      }
      // Its key (a fresh one) takes no effect either.
      if (c.kind == kind::poison && m.key && !command_by_key_.contains(*m.key) && m.account_id) {
        for (const auto& e : events_of(s, *m.account_id)) {
          if (e.key == m.key && (e.message.type == "Deposited" || e.message.type == "Withdrawn" ||
                                 e.message.type == "WithdrawalRejected")) {
            found.push_back({.invariant = "a message that is not a valid command takes no effect",
                             .subject = "key took effect " + *m.key,
                             .evidence = "poison " + m.describe() + " with key " + *m.key + ": " + event_line(e)});
          }
        }
      }
    }
    if ((c.kind == kind::valid || c.kind == kind::reserved_copy) && parked > 0) {
      const auto& letter = s.dead_letters[letters->second.front()];
      found.push_back({.invariant = "valid commands are not refused",
                       .subject = "valid parked " + m.message.id,
                       .evidence = m.describe() + " (" + describe(c) + ") is parked in " + letter.letter.describe() +
                                   " for " + letter.error_class + ": " + letter.error});
    }
  }
  return found;
}

std::vector<violation> checker::compare_replay(const snapshot& before, const snapshot& after) const {
  std::vector<violation> found;
  for (const auto& [stream, events] : after.accounts) {
    const auto earlier = before.accounts.find(stream);
    const auto& old = earlier == before.accounts.end() ? std::vector<stored>{} : earlier->second;
    std::set<std::pair<std::string, std::string>> took_effect;  // (type group, key)
    for (std::size_t i = 0; i < old.size(); ++i) {
      if (i >= events.size() || events[i].message.id != old[i].message.id) {
        found.push_back({.invariant = "replaying parked messages changes nothing that took effect",
                         .subject = "events changed " + stream,
                         .evidence = stream + " before the replay had " + old[i].describe() + " at position " +
                                     std::to_string(i) + "; after, it does not"});
        break;
      }
      const auto& type = old[i].message.type;
      if (type == "Deposited" && old[i].key) took_effect.insert({"deposit", *old[i].key});
      if ((type == "Withdrawn" || type == "WithdrawalRejected") && old[i].key) {
        took_effect.insert({"withdrawal", *old[i].key});
      }
      if (type == "Opened" || type == "Closed") took_effect.insert({type, ""});
    }
    for (std::size_t i = old.size(); i < events.size(); ++i) {
      const auto& e = events[i];
      const auto& type = e.message.type;
      std::pair<std::string, std::string> key;
      if (type == "Deposited" && e.key) key = {"deposit", *e.key};
      else if ((type == "Withdrawn" || type == "WithdrawalRejected") && e.key) key = {"withdrawal", *e.key};
      else if (type == "Opened" || type == "Closed") key = {type, ""};
      else continue;
      if (!took_effect.contains(key)) continue;
      found.push_back({.invariant = "replaying parked messages changes nothing that took effect",
                       .subject = "replay applied " + stream + " " + key.first + " " + key.second,
                       .evidence = "after evt parked replay --all account:command: " + event_line(e) + "; " +
                                   cause_of(after, e) + "; the " + key.first + " " + key.second +
                                   " had taken effect before the replay"});
    }
  }
  return found;
}

std::vector<std::string> checker::lost(const snapshot& s) const {
  std::vector<std::string> lost;
  if (!facts_.lossy_failover) return lost;
  std::set<std::string> event_ids;
  for (const auto& [stream, events] : s.accounts) {
    for (const auto& e : events) event_ids.insert(e.message.id);
  }
  for (const auto& a : attempts_) {
    if (a.outcome != outcome::acknowledged || a.ended >= *facts_.lossy_failover) continue;
    const bool command_stream = a.stream.rfind("account:command-", 0) == 0;
    const bool account_stream = a.stream.rfind("account-", 0) == 0;
    if (!command_stream && !account_stream) continue;
    const bool in = command_stream ? s.command_by_id.contains(a.message_id) : event_ids.contains(a.message_id);
    if (!in) lost.push_back(a.writer + ": " + a.type + " " + a.message_id + " to " + a.stream);
  }
  return lost;
}

std::map<std::string, decimal> checker::balances(const snapshot& s) const {
  std::map<std::string, decimal> result;
  for (const auto& [stream, events] : s.accounts) {
    decimal balance;
    for (const auto& e : events) {
      if (!e.amount) continue;
      if (e.message.type == "Deposited") balance = balance + *e.amount;
      if (e.message.type == "Withdrawn") balance = balance - *e.amount;
    }
    result[stream.substr(std::string{"account-"}.size())] = balance;
  }
  return result;
}

}  // namespace evt_checker
