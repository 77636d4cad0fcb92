#include "modules/payments/services/payment_directory.hpp"

#include "modules/payments/names.hpp"

namespace nelo::payments {

namespace asio = boost::asio;

asio::awaitable<void> PaymentDirectory::authorize_card(PaymentOrderDto order, std::string card_token) {
  co_await saga_.authorize_card(std::move(order), std::move(card_token));
}

asio::awaitable<std::optional<PaymentStatusDto>> PaymentDirectory::get_payment_for_order(std::string order_id) {
  auto payment = co_await payments_.find_by_order(order_id);
  if (!payment) co_return std::nullopt;
  PaymentStatusDto dto;
  dto.payment_id = payment->id;
  dto.status = std::string(to_string(payment->status));
  dto.method = std::string(to_string(payment->method));
  dto.card_brand = payment->card_brand;
  dto.card_last4 = payment->card_last4;
  dto.failure_code = payment->failure_code;
  dto.failure_reason = payment->failure_message;
  dto.action_url = payment->action_url;
  co_return dto;
}

}  // namespace nelo::payments
