#pragma once
// The in-process PaymentInterface: what orders asks of payments (a card order's authorization,
// with its token, and an order's payment status).

#include "modules/payments/repositories/payment_repository.hpp"
#include "modules/payments/services/payment_saga.hpp"
#include "shared/interfaces/payment_interface.hpp"

namespace nelo::payments {

class PaymentDirectory final : public PaymentInterface {
 public:
  PaymentDirectory(PaymentRepository& payments, PaymentSaga& saga) : payments_(payments), saga_(saga) {}

  boost::asio::awaitable<void> authorize_card(PaymentOrderDto order, std::string card_token) override;
  boost::asio::awaitable<std::optional<PaymentStatusDto>> get_payment_for_order(std::string order_id) override;

 private:
  PaymentRepository& payments_;
  PaymentSaga& saga_;
};

}  // namespace nelo::payments
