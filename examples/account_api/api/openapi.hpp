#pragma once

#include <nlohmann/json.hpp>

namespace account_api {

// The OpenAPI 3 document of the routes (GET /openapi.json); a test checks
// that it names exactly service::routes().
const nlohmann::json& openapi();

}  // namespace account_api
