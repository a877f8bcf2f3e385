#include "opening/account_opening.hpp"

#include "messages/events/deposited.hpp"
#include "messages/events/opened.hpp"

#include <evt/error.hpp>
#include <evt/message/conversion.hpp>
#include <evt/store/put.hpp>
#include <evt/stream_name.hpp>

namespace account_opening {

namespace events = account_component::messages::events;

std::string fingerprint(const request& request) {
  return "account=" + request.account_id + " customer=" + request.customer_id + " amount=" + request.amount.to_string();
}

account_opening::account_opening(evt::store::session& session, payments::payment_service& payments, crash_at crash)
    : session_{session}, payments_{payments}, crash_{std::move(crash)} {}

evt::recovery::atomic_phases account_opening::phases(const request& request) {
  const auto account_stream = evt::stream_name("account", request.account_id);
  return evt::recovery::atomic_phases{
      session_,
      category,
      {{"account_opened",
        [=, this](evt::recovery::phase_context& phase) {
          crash_.reached("account_opened:begin");
          const auto now = evt::now();
          const events::Opened opened{.account_id = request.account_id, .customer_id = request.customer_id,
                                      .time = now, .processed_time = now};
          // Expected version: an account is opened once, whoever asks.
          evt::store::put(phase.transaction(), evt::export_message(opened), account_stream, evt::no_stream);
          crash_.reached("account_opened:before_commit");
        }},
       {"funds_collected",
        [=, this](evt::recovery::phase_context& phase) {
          crash_.reached("funds_collected:begin");
          phase.set_state(payments_.charge(phase.foreign_key(), request.account_id, request.amount));
          crash_.reached("funds_collected:charged");
        }},
       {"deposited",
        [=, this](evt::recovery::phase_context& phase) {
          crash_.reached("deposited:begin");
          const auto now = evt::now();
          const events::Deposited deposited{.deposit_id = phase.state(), .account_id = request.account_id,
                                            .amount = request.amount, .time = now, .processed_time = now,
                                            .sequence = 0};
          evt::store::put(phase.transaction(), evt::export_message(deposited), account_stream, 0);
          crash_.reached("deposited:before_commit");
          phase.finish(evt::data_json(response{.account_id = request.account_id, .charge_id = phase.state(),
                                               .balance = request.amount}));
        }}}};
}

evt::recovery::outcome account_opening::run(const request& request) {
  return phases(request).run(request.key, fingerprint(request));
}

response account_opening::read_response(const std::string& text) {
  try {
    return evt::detail::decode_struct<response>(evt::detail::parse_json(text));
  } catch (const std::exception& error) {
    throw evt::error{"Cannot read the opening's response (Response: " + text + ", Cause: " + error.what() + ")"};
  }
}

}  // namespace account_opening
