#include "component/store.hpp"

#include "component/projection.hpp"

namespace account_component {

store build_store(evt::store::session& session) { return store::build(session, category, projection()); }

store substitute_store() { return store{category, projection()}; }

}  // namespace account_component
