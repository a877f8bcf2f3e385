#pragma once

// Message follow and copy (SPEC 2.4): data fields copied by name at compile
// time, the id never.
#include <evt/error.hpp>
#include <evt/message/message.hpp>

#include <boost/hana.hpp>

#include <set>
#include <string>
#include <type_traits>

namespace evt {
namespace detail {

template <class T>
constexpr auto field_names() {
  return boost::hana::transform(boost::hana::accessors<T>(), boost::hana::first);
}

template <class Receiver, class Key>
constexpr bool has_field(Key key) {
  return decltype(boost::hana::contains(field_names<Receiver>(), key))::value;
}

// Calls copy(name, source field, receiver field) for each source field the
// receiver also has, and missing(name) for each it lacks.
template <class Source, class Receiver, class Copy, class Missing>
void for_each_shared_field(const Source& source, Receiver& receiver, Copy&& copy, Missing&& missing) {
  boost::hana::for_each(field_names<Source>(), [&](auto key) {
    const std::string name = boost::hana::to<const char*>(key);
    if constexpr (has_field<Receiver>(key)) {
      using from = std::remove_cvref_t<decltype(boost::hana::at_key(source, key))>;
      using to = std::remove_cvref_t<decltype(boost::hana::at_key(receiver, key))>;
      static_assert(std::is_same_v<from, to>,
                    "evt::follow/copy: same-named fields must have the same type (no silent conversions)");
      copy(name, boost::hana::at_key(source, key), boost::hana::at_key(receiver, key));
    } else {
      missing(name, key);
    }
  });
}

}  // namespace detail

// A new Receiver caused by `preceding`: every data field of the preceding
// message copied (the receiver must have them all: a missing one is a
// compile error), then its metadata follows the preceding metadata.
template <message Receiver, message Source>
Receiver follow(const Source& preceding) {
  Receiver receiver{};
  detail::for_each_shared_field(
      preceding, receiver, [](const std::string&, const auto& from, auto& to) { to = from; },
      [](const std::string&, auto key) {
        static_assert(detail::has_field<Receiver>(key),
                      "evt::follow: the receiving message lacks a field of the preceding message; "
                      "use evt::copy to copy some fields only");
      });
  receiver.metadata.follow(preceding.metadata);
  return receiver;
}

struct copy_options {
  std::set<std::string> include{};  // empty: every field of the source
  std::set<std::string> exclude{};
  bool metadata = false;  // causation, correlation, reply, schema version and both property sets
  bool strict = false;    // a copied field the receiver lacks is an evt::error
};

template <message Receiver, message Source>
Receiver copy(const Source& source, const copy_options& options = {}) {
  // A misspelt name would silently copy nothing.
  for (const auto* names : {&options.include, &options.exclude}) {
    for (const auto& name : *names) {
      bool known = false;
      boost::hana::for_each(detail::field_names<Source>(),
                            [&](auto key) { known = known || name == boost::hana::to<const char*>(key); });
      if (!known) {
        throw error{"Cannot copy: " + std::string{Source::message_type} + " has no field " + name};
      }
    }
  }
  Receiver receiver{};
  const auto copied = [&](const std::string& name) {
    return (options.include.empty() || options.include.contains(name)) && !options.exclude.contains(name);
  };
  detail::for_each_shared_field(
      source, receiver,
      [&](const std::string& name, const auto& from, auto& to) {
        if (copied(name)) to = from;
      },
      [&](const std::string& name, auto) {
        if (options.strict && copied(name)) {
          throw error{"Cannot copy: the receiving message has no field " + name + " (Source Type: " +
                      std::string{Source::message_type} + ", Receiver Type: " + std::string{Receiver::message_type} + ")"};
        }
      });
  if (options.metadata) {
    const auto& from = source.metadata;
    auto& to = receiver.metadata;
    to.causation_message_stream_name = from.causation_message_stream_name;
    to.causation_message_position = from.causation_message_position;
    to.causation_message_global_position = from.causation_message_global_position;
    to.correlation_stream_name = from.correlation_stream_name;
    to.reply_stream_name = from.reply_stream_name;
    to.schema_version = from.schema_version;
    to.properties = from.properties;
    to.local_properties = from.local_properties;
  }
  return receiver;
}

}  // namespace evt
