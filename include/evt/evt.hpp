#pragma once

// Everything evt-cpp offers, in one include: all of evt::evt. Not the test
// controls (evt/controls.hpp) nor the webhook sink (evt/relay/webhook_sink.hpp,
// in evt::webhook).
#include <evt/clock.hpp>
#include <evt/consumer/consumer.hpp>
#include <evt/consumer/host.hpp>
#include <evt/consumer/position_store.hpp>
#include <evt/dead_letter/dead_letter.hpp>
#include <evt/entity/entity_store.hpp>
#include <evt/entity/projection.hpp>
#include <evt/error.hpp>
#include <evt/error_kind.hpp>
#include <evt/expected_version.hpp>
#include <evt/handler/dependency.hpp>
#include <evt/handler/handler.hpp>
#include <evt/idempotence_key.hpp>
#include <evt/idempotency/executor.hpp>
#include <evt/idempotency/memory_storage.hpp>
#include <evt/idempotency/message_store_storage.hpp>
#include <evt/log.hpp>
#include <evt/message/casing.hpp>
#include <evt/message/conversion.hpp>
#include <evt/message/follow.hpp>
#include <evt/message/message.hpp>
#include <evt/message/metadata.hpp>
#include <evt/message/metadata_json.hpp>
#include <evt/message/msgpack_codec.hpp>
#include <evt/money.hpp>
#include <evt/projector/projector.hpp>
#include <evt/recovery/atomic_phases.hpp>
#include <evt/relay/file_sink.hpp>
#include <evt/relay/relay.hpp>
#include <evt/reservation/reservation.hpp>
#include <evt/store/get.hpp>
#include <evt/store/lag.hpp>
#include <evt/store/put.hpp>
#include <evt/store/read.hpp>
#include <evt/store/session.hpp>
#include <evt/stream_name.hpp>
#include <evt/timestamp.hpp>
#include <evt/uuid.hpp>
#include <evt/version.hpp>
#include <evt/write/writer.hpp>
