#include "api/openapi.hpp"

namespace account_api {

const nlohmann::json& openapi() {
  static const auto document = nlohmann::json::parse(R"json({
  "openapi": "3.0.3",
  "info": {
    "title": "account-api",
    "version": "1",
    "description": "The account component over HTTP. Every POST is idempotent by its Idempotency-Key header (draft-ietf-httpapi-idempotency-key-header-06): a repeated request gets the recorded answer with Idempotent-Replayed: true; the same key with another request is a 422; while the first request with a key is answered, a 409. Keys are scoped to the client whose token made the request. Errors are problem details (RFC 9457), their types /problems/<slug>."
  },
  "security": [{"bearer": []}],
  "paths": {
    "/accounts": {
      "post": {
        "summary": "Open an account; its id is derived from the client and the key",
        "parameters": [{"$ref": "#/components/parameters/IdempotencyKey"}],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Open"}}}},
        "responses": {
          "201": {"description": "Opened", "headers": {"Location": {"$ref": "#/components/headers/Location"}, "Idempotent-Replayed": {"$ref": "#/components/headers/IdempotentReplayed"}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Account"}}}},
          "202": {"$ref": "#/components/responses/Pending"},
          "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"},
          "409": {"$ref": "#/components/responses/Problem"}, "413": {"$ref": "#/components/responses/Problem"},
          "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"},
          "503": {"$ref": "#/components/responses/Problem"}
        }
      }
    },
    "/accounts/{id}": {
      "get": {
        "summary": "The account, as of its latest event",
        "parameters": [{"$ref": "#/components/parameters/AccountId"}, {"name": "If-None-Match", "in": "header", "schema": {"type": "string"}}],
        "responses": {
          "200": {"description": "The account", "headers": {"ETag": {"description": "The account's version", "schema": {"type": "string"}}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Account"}}}},
          "304": {"description": "Not changed since the ETag given"},
          "401": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"},
          "503": {"$ref": "#/components/responses/Problem"}
        }
      }
    },
    "/accounts/{id}/deposits": {
      "post": {
        "summary": "Deposit; the deposit id is derived from the client and the key",
        "parameters": [{"$ref": "#/components/parameters/AccountId"}, {"$ref": "#/components/parameters/IdempotencyKey"}],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Amount"}}}},
        "responses": {
          "201": {"$ref": "#/components/responses/Movement"},
          "202": {"$ref": "#/components/responses/Pending"},
          "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"},
          "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"},
          "409": {"$ref": "#/components/responses/Problem"}, "413": {"$ref": "#/components/responses/Problem"},
          "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"},
          "503": {"$ref": "#/components/responses/Problem"}
        }
      }
    },
    "/accounts/{id}/withdrawals": {
      "post": {
        "summary": "Withdraw; a withdrawal the balance cannot cover is a 403 insufficient-funds problem (recorded, and replayed)",
        "parameters": [{"$ref": "#/components/parameters/AccountId"}, {"$ref": "#/components/parameters/IdempotencyKey"}],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Amount"}}}},
        "responses": {
          "201": {"$ref": "#/components/responses/Movement"},
          "202": {"$ref": "#/components/responses/Pending"},
          "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"},
          "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"},
          "409": {"$ref": "#/components/responses/Problem"}, "413": {"$ref": "#/components/responses/Problem"},
          "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"},
          "503": {"$ref": "#/components/responses/Problem"}
        }
      }
    },
    "/accounts/{id}/deposits/{key}": {
      "get": {
        "summary": "The outcome of this client's deposit with this key",
        "parameters": [{"$ref": "#/components/parameters/AccountId"}, {"$ref": "#/components/parameters/Key"}],
        "responses": {
          "200": {"description": "Its outcome", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Movement"}}}},
          "202": {"$ref": "#/components/responses/Pending"},
          "401": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"},
          "503": {"$ref": "#/components/responses/Problem"}
        }
      }
    },
    "/accounts/{id}/withdrawals/{key}": {
      "get": {
        "summary": "The outcome of this client's withdrawal with this key (Withdrawn or WithdrawalRejected)",
        "parameters": [{"$ref": "#/components/parameters/AccountId"}, {"$ref": "#/components/parameters/Key"}],
        "responses": {
          "200": {"description": "Its outcome", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Movement"}}}},
          "202": {"$ref": "#/components/responses/Pending"},
          "401": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"},
          "503": {"$ref": "#/components/responses/Problem"}
        }
      }
    },
    "/openapi.json": {
      "get": {
        "summary": "This document (no token needed)",
        "security": [],
        "responses": {"200": {"description": "OpenAPI 3", "content": {"application/json": {"schema": {"type": "object"}}}}}
      }
    }
  },
  "components": {
    "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "A token of the API's --tokens-file (none needed on a loopback address without one)"}},
    "parameters": {
      "IdempotencyKey": {"name": "Idempotency-Key", "in": "header", "required": true,
                         "description": "A Structured Field string (\"...\") or a bare token: printable ASCII, at most 255 bytes, no '+'",
                         "schema": {"type": "string", "maxLength": 257}},
      "AccountId": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
      "Key": {"name": "key", "in": "path", "required": true, "description": "The Idempotency-Key of the POST", "schema": {"type": "string"}}
    },
    "headers": {
      "Location": {"description": "The resource made, or to poll", "schema": {"type": "string"}},
      "IdempotentReplayed": {"description": "true when the answer is the recorded one", "schema": {"type": "string", "enum": ["true"]}}
    },
    "responses": {
      "Movement": {"description": "Deposited or Withdrawn, with the balance just after it",
                   "headers": {"Location": {"$ref": "#/components/headers/Location"}, "Idempotent-Replayed": {"$ref": "#/components/headers/IdempotentReplayed"}},
                   "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Movement"}}}},
      "Pending": {"description": "Written, its outcome not seen within --wait-ms: poll the Location",
                  "headers": {"Location": {"$ref": "#/components/headers/Location"}, "Retry-After": {"schema": {"type": "integer"}}},
                  "content": {"application/json": {"schema": {"type": "object", "properties": {"status": {"type": "string", "enum": ["pending"]}}}}}},
      "Problem": {"description": "A problem detail", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    },
    "schemas": {
      "Open": {"type": "object", "additionalProperties": false, "required": ["customerId"],
               "properties": {"customerId": {"type": "string", "minLength": 1}}},
      "Amount": {"type": "object", "additionalProperties": false, "required": ["amount"],
                 "properties": {"amount": {"oneOf": [{"type": "string", "example": "11.50"}, {"type": "number"}],
                                           "description": "Greater than 0, at most 1000000000000, at most 20 decimals; read exactly"}}},
      "Account": {"type": "object", "properties": {"id": {"type": "string"}, "customerId": {"type": "string"},
                  "balance": {"type": "string"}, "status": {"type": "string", "enum": ["open", "closed"]}, "version": {"type": "integer"}}},
      "Movement": {"type": "object", "properties": {"accountId": {"type": "string"}, "idempotencyKey": {"type": "string"},
                   "depositId": {"type": "string"}, "withdrawalId": {"type": "string"},
                   "outcome": {"type": "string", "enum": ["Deposited", "Withdrawn", "WithdrawalRejected"]},
                   "amount": {"type": "string"}, "balance": {"type": "string"}, "position": {"type": "integer"}}},
      "Problem": {"type": "object", "properties": {"type": {"type": "string"}, "title": {"type": "string"},
                  "status": {"type": "integer"}, "detail": {"type": "string"}}}
    }
  }
})json");
  return document;
}

}  // namespace account_api
