import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The OpenAPI 3.1 contract of `/api/v1`, served without authentication at `/api/v1/openapi.json`.
/// `OpenAPIContractTests` fails when a controller registers a route this document lacks, or the document names one
/// the server does not answer.
enum OpenAPIDocument {
    static func response() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: json)))
    }

    static let json = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "Depot catalog API",
    "version": "1",
    "description": "The city's software catalog: intake, licence review, classification, orders, signing and lifecycle. Every route except this document needs 'Authorization: Bearer TOKEN'."
  },
  "servers": [
    {
      "url": "/api/v1"
    }
  ],
  "security": [
    {
      "bearer": []
    }
  ],
  "tags": [
    {
      "name": "catalog"
    },
    {
      "name": "intake"
    },
    {
      "name": "licences"
    },
    {
      "name": "classification"
    },
    {
      "name": "orders"
    },
    {
      "name": "signing"
    },
    {
      "name": "lifecycle"
    },
    {
      "name": "meta"
    }
  ],
  "paths": {
    "/me": {
      "get": {
        "operationId": "me",
        "summary": "The authenticated user.",
        "tags": [
          "catalog"
        ],
        "responses": {
          "200": {
            "description": "The user.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/User"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/catalog": {
      "get": {
        "operationId": "listCatalog",
        "summary": "Every package version with its program.",
        "tags": [
          "catalog"
        ],
        "parameters": [
          {
            "name": "state",
            "in": "query",
            "required": false,
            "description": "Only versions in this state (submitted, inspected, \u2026, published, retired).",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "Catalog entries.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "array",
                  "items": {
                    "$ref": "#/components/schemas/CatalogEntry"
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/programs/{program}": {
      "get": {
        "operationId": "getProgram",
        "summary": "One program's versions.",
        "tags": [
          "catalog"
        ],
        "parameters": [
          {
            "name": "program",
            "in": "path",
            "required": true,
            "description": "The program id, e.g. mozilla-firefox.",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The program's catalog entries.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "array",
                  "items": {
                    "$ref": "#/components/schemas/CatalogEntry"
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/profiles": {
      "get": {
        "operationId": "listProfiles",
        "summary": "Named bundles of programs per user type.",
        "tags": [
          "catalog"
        ],
        "responses": {
          "200": {
            "description": "Profiles.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "array",
                  "items": {
                    "type": "object"
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/audit": {
      "get": {
        "operationId": "listAudit",
        "summary": "The newest audit events (auditor, admin).",
        "tags": [
          "catalog"
        ],
        "parameters": [
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "description": "How many events; 100 by default.",
            "schema": {
              "type": "integer"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "Audit events.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "array",
                  "items": {
                    "type": "object"
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/submissions": {
      "get": {
        "operationId": "listSubmissions",
        "summary": "Submissions made so far.",
        "tags": [
          "intake"
        ],
        "parameters": [
          {
            "name": "state",
            "in": "query",
            "required": false,
            "description": "Only submissions in this state.",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "Submissions.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "array",
                  "items": {
                    "$ref": "#/components/schemas/Submission"
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          }
        }
      },
      "post": {
        "operationId": "submitInstaller",
        "summary": "Submit an installer; the body is the file itself, streamed.",
        "tags": [
          "intake"
        ],
        "parameters": [
          {
            "name": "filename",
            "in": "query",
            "required": false,
            "description": "The installer's file name.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "program",
            "in": "query",
            "required": false,
            "description": "Program id, overriding what inspection found.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "version",
            "in": "query",
            "required": false,
            "description": "Version, overriding inspection.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "publisher",
            "in": "query",
            "required": false,
            "description": "Publisher, overriding inspection.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "platform",
            "in": "query",
            "required": false,
            "description": "A platform; repeat for several.",
            "schema": {
              "type": "array",
              "items": {
                "type": "string"
              }
            }
          },
          {
            "name": "cost-ref",
            "in": "query",
            "required": false,
            "description": "Cost reference that pays for the packaging, e.g. 140:52120.",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/octet-stream": {
              "schema": {
                "type": "string",
                "format": "binary"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The same bytes were submitted before.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Submission"
                }
              }
            }
          },
          "201": {
            "description": "Recorded.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Submission"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "413": {
            "$ref": "#/components/responses/Error"
          },
          "422": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/submissions/{id}": {
      "get": {
        "operationId": "getSubmission",
        "summary": "One submission.",
        "tags": [
          "intake"
        ],
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "The submission's id.",
            "schema": {
              "type": "integer",
              "format": "int64"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The submission.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Submission"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/submissions/{id}/classification": {
      "post": {
        "operationId": "classifySubmission",
        "summary": "Classify the packaging's complexity and price it.",
        "tags": [
          "classification"
        ],
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "The submission's id.",
            "schema": {
              "type": "integer",
              "format": "int64"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The classification.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          },
          "409": {
            "$ref": "#/components/responses/Error"
          },
          "422": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/submissions/{id}/tests": {
      "get": {
        "operationId": "listTests",
        "summary": "Test records of a submission.",
        "tags": [
          "signing"
        ],
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "The submission's id.",
            "schema": {
              "type": "integer",
              "format": "int64"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "Test records.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "array",
                  "items": {
                    "type": "object"
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          }
        }
      },
      "post": {
        "operationId": "recordTest",
        "summary": "Run the automatic install test ({\"mode\": \"auto\"}: install, detect and uninstall in the Wine sandbox) or record a person's test.",
        "tags": [
          "signing"
        ],
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "The submission's id.",
            "schema": {
              "type": "integer",
              "format": "int64"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "properties": {
                  "mode": {
                    "type": "string",
                    "enum": [
                      "auto",
                      "manual"
                    ],
                    "description": "auto runs the install sandbox and answers with the test, its evidence and any reclassification; manual (the default) records passed and notes."
                  },
                  "passed": {
                    "type": "boolean"
                  },
                  "notes": {
                    "type": "string"
                  }
                }
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Recorded.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          },
          "409": {
            "$ref": "#/components/responses/Error"
          },
          "422": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/submissions/{id}/tests/{test}/evidence": {
      "get": {
        "operationId": "testEvidence",
        "summary": "The evidence of an automatic install test: exit codes, log tails, what changed, the detection rule, leftovers, the verdict and its reasons.",
        "tags": [
          "signing"
        ],
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "The submission's id.",
            "schema": {
              "type": "integer",
              "format": "int64"
            }
          },
          {
            "name": "test",
            "in": "path",
            "required": true,
            "description": "The test's id (from GET /submissions/{id}/tests).",
            "schema": {
              "type": "integer",
              "format": "int64"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The evidence document.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/submissions/{id}/signature": {
      "post": {
        "operationId": "signSubmission",
        "summary": "Sign a tested package (separation of duties applies).",
        "tags": [
          "signing"
        ],
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "The submission's id.",
            "schema": {
              "type": "integer",
              "format": "int64"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "Already signed.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          },
          "201": {
            "description": "Signed.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          },
          "409": {
            "$ref": "#/components/responses/Error"
          },
          "422": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/keys": {
      "get": {
        "operationId": "listKeys",
        "summary": "The signing keys' certificates.",
        "tags": [
          "signing"
        ],
        "responses": {
          "200": {
            "description": "Keys.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "array",
                  "items": {
                    "type": "object"
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/reviews": {
      "get": {
        "operationId": "listReviews",
        "summary": "Licence reviews.",
        "tags": [
          "licences"
        ],
        "parameters": [
          {
            "name": "pending",
            "in": "query",
            "required": false,
            "description": "true for undecided reviews only.",
            "schema": {
              "type": "boolean"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "Reviews.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "array",
                  "items": {
                    "$ref": "#/components/schemas/LicenceReview"
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/reviews/{id}": {
      "get": {
        "operationId": "getReview",
        "summary": "One licence review with detected licences and flagged clauses.",
        "tags": [
          "licences"
        ],
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "The review's id.",
            "schema": {
              "type": "integer",
              "format": "int64"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The review.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/LicenceReview"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/reviews/{id}/decision": {
      "post": {
        "operationId": "decideReview",
        "summary": "Approve or reject a licence, with scope and reason.",
        "tags": [
          "licences"
        ],
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "The review's id.",
            "schema": {
              "type": "integer",
              "format": "int64"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "required": [
                  "decision",
                  "reason"
                ],
                "properties": {
                  "decision": {
                    "type": "string",
                    "enum": [
                      "approve",
                      "reject"
                    ]
                  },
                  "scope": {
                    "type": "string",
                    "enum": [
                      "admin",
                      "edu",
                      "both"
                    ]
                  },
                  "conditions": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "reason": {
                    "type": "string"
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The decided review.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/LicenceReview"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          },
          "409": {
            "$ref": "#/components/responses/Error"
          },
          "422": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/licences": {
      "post": {
        "operationId": "addEntitlement",
        "summary": "Record seats bought for a per-seat program.",
        "tags": [
          "licences"
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "required": [
                  "program",
                  "seats"
                ],
                "properties": {
                  "program": {
                    "type": "string"
                  },
                  "seats": {
                    "type": "integer"
                  },
                  "costReference": {
                    "type": "string"
                  },
                  "expires": {
                    "type": "string",
                    "format": "date"
                  }
                }
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Seat usage after the entitlement.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/licences/usage": {
      "get": {
        "operationId": "seatUsage",
        "summary": "Seats owned and used per program.",
        "tags": [
          "licences"
        ],
        "responses": {
          "200": {
            "description": "Seat usage.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "array",
                  "items": {
                    "type": "object"
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/orders": {
      "get": {
        "operationId": "listOrders",
        "summary": "Placed orders, newest first.",
        "tags": [
          "orders"
        ],
        "responses": {
          "200": {
            "description": "Orders.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "array",
                  "items": {
                    "$ref": "#/components/schemas/Order"
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          }
        }
      },
      "post": {
        "operationId": "placeOrder",
        "summary": "Place an order.",
        "tags": [
          "orders"
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/OrderRequest"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Placed.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Order"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          },
          "422": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/orders/quote": {
      "post": {
        "operationId": "quoteOrder",
        "summary": "Price an order without placing it.",
        "tags": [
          "orders"
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/OrderRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The quote.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Order"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          },
          "422": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/invoices": {
      "get": {
        "operationId": "getInvoice",
        "summary": "The month's invoice (finance, auditor).",
        "tags": [
          "orders"
        ],
        "parameters": [
          {
            "name": "period",
            "in": "query",
            "required": true,
            "description": "The month, YYYY-MM.",
            "schema": {
              "type": "string",
              "pattern": "^[0-9]{4}-[0-9]{2}$"
            }
          },
          {
            "name": "format",
            "in": "query",
            "required": false,
            "description": "json (default) or csv.",
            "schema": {
              "type": "string",
              "enum": [
                "json",
                "csv"
              ]
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The invoice.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              },
              "text/csv": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "403": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/schedule.ics": {
      "get": {
        "operationId": "scheduleCalendar",
        "summary": "The upgrade schedule as an iCalendar to subscribe to.",
        "tags": [
          "lifecycle"
        ],
        "responses": {
          "200": {
            "description": "The calendar.",
            "content": {
              "text/calendar": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "500": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/currency": {
      "get": {
        "operationId": "currencyReport",
        "summary": "Every baseline program's currency status.",
        "tags": [
          "lifecycle"
        ],
        "parameters": [
          {
            "name": "at",
            "in": "query",
            "required": false,
            "description": "Evaluate for this day, YYYY-MM-DD.",
            "schema": {
              "type": "string",
              "format": "date"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The report.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/openapi.json": {
      "get": {
        "operationId": "openapi",
        "summary": "This document.",
        "tags": [
          "meta"
        ],
        "security": [],
        "responses": {
          "200": {
            "description": "The OpenAPI 3.1 document.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          }
        }
      }
    }
  },
  "components": {
    "securitySchemes": {
      "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token from 'depot users add NAME --role ROLE'."
      }
    },
    "responses": {
      "Error": {
        "description": "An error with a stable code and a message that says how to fix it.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      }
    },
    "schemas": {
      "Error": {
        "type": "object",
        "required": [
          "error"
        ],
        "properties": {
          "error": {
            "type": "object",
            "required": [
              "code",
              "message"
            ],
            "properties": {
              "code": {
                "type": "string"
              },
              "message": {
                "type": "string"
              }
            }
          }
        }
      },
      "User": {
        "type": "object",
        "required": [
          "name",
          "role"
        ],
        "properties": {
          "name": {
            "type": "string"
          },
          "role": {
            "type": "string",
            "enum": [
              "packager",
              "licence-reviewer",
              "signer",
              "release-manager",
              "school-admin",
              "finance",
              "auditor",
              "admin"
            ]
          },
          "school": {
            "type": "string"
          }
        }
      },
      "CatalogEntry": {
        "type": "object",
        "required": [
          "id",
          "program",
          "name",
          "version",
          "state"
        ],
        "properties": {
          "id": {
            "type": "integer"
          },
          "program": {
            "type": "string"
          },
          "name": {
            "type": "string"
          },
          "version": {
            "type": "string"
          },
          "variant": {
            "type": "string"
          },
          "publisher": {
            "type": "string"
          },
          "state": {
            "type": "string"
          },
          "released": {
            "type": "string"
          },
          "platforms": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "architectures": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "licence": {
            "type": "string"
          },
          "baseline": {
            "type": "boolean"
          },
          "category": {
            "type": "string"
          },
          "environments": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "installerType": {
            "type": "string"
          },
          "sha256": {
            "type": "string"
          },
          "licenceScope": {
            "type": "string",
            "enum": [
              "admin",
              "edu",
              "both"
            ]
          }
        }
      },
      "Submission": {
        "type": "object",
        "required": [
          "id",
          "state",
          "fileName",
          "sha256",
          "size",
          "submitter",
          "submittedAt"
        ],
        "properties": {
          "id": {
            "type": "integer"
          },
          "state": {
            "type": "string"
          },
          "fileName": {
            "type": "string"
          },
          "sha256": {
            "type": "string"
          },
          "size": {
            "type": "integer"
          },
          "submitter": {
            "type": "string"
          },
          "submittedAt": {
            "type": "string"
          },
          "program": {
            "type": "string"
          },
          "version": {
            "type": "string"
          },
          "publisher": {
            "type": "string"
          },
          "platforms": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "costReference": {
            "type": "string"
          },
          "facts": {
            "type": "object"
          },
          "error": {
            "type": "string"
          }
        }
      },
      "LicenceReview": {
        "type": "object",
        "required": [
          "id",
          "program",
          "version",
          "state"
        ],
        "properties": {
          "id": {
            "type": "integer"
          },
          "submission": {
            "type": "integer"
          },
          "program": {
            "type": "string"
          },
          "version": {
            "type": "string"
          },
          "state": {
            "type": "string"
          },
          "declared": {
            "type": "string"
          },
          "reading": {
            "type": "string"
          },
          "expression": {
            "type": "string"
          },
          "matches": {
            "type": "array",
            "items": {
              "type": "object"
            }
          },
          "clauses": {
            "type": "array",
            "items": {
              "type": "object"
            }
          },
          "admin": {
            "type": "object"
          },
          "edu": {
            "type": "object"
          },
          "needsSeats": {
            "type": "boolean"
          },
          "decision": {
            "type": "string"
          },
          "scope": {
            "type": "string"
          },
          "conditions": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "reason": {
            "type": "string"
          },
          "decidedBy": {
            "type": "string"
          },
          "decidedAt": {
            "type": "string"
          }
        }
      },
      "OrderRequest": {
        "type": "object",
        "required": [
          "costReference"
        ],
        "properties": {
          "programs": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "program or program@version"
          },
          "profiles": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "users": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "devices": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "group": {
            "type": "object",
            "required": [
              "name",
              "kind",
              "size"
            ],
            "properties": {
              "name": {
                "type": "string"
              },
              "kind": {
                "type": "string",
                "enum": [
                  "users",
                  "devices"
                ]
              },
              "size": {
                "type": "integer",
                "minimum": 1
              }
            }
          },
          "costReference": {
            "type": "string",
            "examples": [
              "140:52120"
            ]
          },
          "environment": {
            "type": "string",
            "enum": [
              "admin",
              "edu"
            ],
            "default": "admin"
          }
        }
      },
      "Order": {
        "type": "object",
        "required": [
          "id",
          "environment",
          "order",
          "amount"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "environment": {
            "type": "string"
          },
          "order": {
            "type": "object"
          },
          "amount": {
            "type": "number"
          }
        }
      }
    }
  }
}

"""#
}
