// The two kinds of transaction, told apart by the compiler: a grouped transaction only queues
// what goes with its commit, and code that runs a statement cannot be handed one. These checks
// fail the build, not a test run.

#include <string_view>
#include <type_traits>

#include "core/db/commit_writer.hpp"
#include "core/db/group_commit.hpp"
#include "core/db/transaction.hpp"

namespace nelo::db {
namespace {

template <class T>
concept RunsStatements = requires(T& tx, std::string_view sql) { tx.execute(sql); };

template <class T>
concept IsACommitWriter = std::is_base_of_v<CommitWriter, T>;

static_assert(RunsStatements<Transaction>);
static_assert(!RunsStatements<GroupedTransaction>, "a grouped transaction has no execute()");
static_assert(IsACommitWriter<Transaction> && IsACommitWriter<GroupedTransaction>);
static_assert(!std::is_copy_constructible_v<Transaction> && !std::is_copy_constructible_v<GroupedTransaction>);
static_assert(!std::is_convertible_v<GroupedTransaction&, Transaction&>,
              "a statement-running function cannot be given a grouped transaction");

}  // namespace
}  // namespace nelo::db
