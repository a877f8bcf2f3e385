#pragma once

// Everything evt-cpp offers, in one include.
#include <evt/clock.hpp>
#include <evt/consumer/consumer.hpp>
#include <evt/consumer/position_store.hpp>
#include <evt/controls/controls.hpp>
#include <evt/entity/entity_store.hpp>
#include <evt/entity/projection.hpp>
#include <evt/error.hpp>
#include <evt/expected_version.hpp>
#include <evt/handler/handler.hpp>
#include <evt/message/casing.hpp>
#include <evt/message/conversion.hpp>
#include <evt/message/follow.hpp>
#include <evt/message/message.hpp>
#include <evt/message/metadata.hpp>
#include <evt/message/metadata_json.hpp>
#include <evt/message/msgpack_codec.hpp>
#include <evt/money.hpp>
#include <evt/store/get.hpp>
#include <evt/store/put.hpp>
#include <evt/store/read.hpp>
#include <evt/store/session.hpp>
#include <evt/stream_name.hpp>
#include <evt/uuid.hpp>
#include <evt/version.hpp>
#include <evt/write/writer.hpp>
