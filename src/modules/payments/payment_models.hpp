#pragma once
// Domain types of the payments module: what its repositories return and its services work on.
// Amounts are integer minor units of the payment's currency, never floats.

namespace nelo::payments {

enum class PaymentStatus {
  RequiresAuthorization,  // created with its order; the provider has not said yes or no yet
  Authorized,             // the provider holds the amount on the card (cash: nothing to hold)
  Captured,               // the money moved: the card was charged, or the driver collected the cash
  PartiallyRefunded,      // some of the captured amount went back to the customer
  Refunded,               // all of it did
  Failed,                 // the provider declined (reason kept)
  Voided,                 // the hold was released before any capture (the order did not happen)
};

// What is done to a payment; each legal (status, action) pair is a row of the transition table
// (state_machine.hpp). A refund is `refund_part` when something captured stays with the
// merchant afterwards, `refund_rest` when it brings the refunded total to the captured amount.
enum class PaymentAction { Authorize, Fail, Capture, Collect, Void, RefundPart, RefundRest };

// Who does it: the provider (its answer to a call, or a webhook), the platform (the saga reacting
// to an order's events), an admin (refunds).
enum class ActorKind { Provider, System, Admin };

enum class PaymentMethod { Card, Cash };

}  // namespace nelo::payments
