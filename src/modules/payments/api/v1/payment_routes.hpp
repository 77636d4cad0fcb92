#pragma once
// GET /api/v1/payments/{id}, GET /api/v1/payments?order_id=, POST /api/v1/payments/{id}/refunds,
// GET /api/v1/payments/ledger/balances: thin handlers over the module's services.

namespace nelo::http {
class Router;
}

namespace nelo::idempotency {
class IdempotencyStore;
}

namespace nelo::payments {

class PaymentQueries;
class PaymentRefunds;
class LedgerReportRepository;

struct PaymentRouteServices {
  PaymentQueries& queries;
  PaymentRefunds& refunds;
  LedgerReportRepository& ledger;
  idempotency::IdempotencyStore& keys;
};

void register_payment_routes(http::Router& router, const PaymentRouteServices& services);

}  // namespace nelo::payments
