package io.sluice.users.user;

import java.util.List;

/** One page of users; {@code nextCursor} is {@code null} on the last page. */
record UserPageResponse(List<UserResponse> items, String nextCursor) {}
