#!lua name=shop_messaging

-- Shop's Redis functions, loaded once by a privileged step (the AppHost, a test fixture, or an operator with
-- FUNCTION LOAD REPLACE) and called by the services' users with FCALL. The users may run these and no code of their
-- own: their ACL has +fcall, never EVAL, SCRIPT LOAD or FUNCTION LOAD. Inside, every command is still checked against
-- the calling user's ACL, so a function can do nothing its caller could not do command by command.

-- Deletes the consumers of a group that are idle and own no pending entry, atomically on one key (so it runs on Redis
-- Cluster): checking and deleting in two commands could delete a consumer that received entries in between, and
-- XGROUP DELCONSUMER drops a consumer's pending entries for good.
-- KEYS[1] the stream; ARGV[1] the group; ARGV[2] the calling consumer (never removed); ARGV[3] idle milliseconds.
local function remove_idle_consumers(keys, args)
  local removed = {}
  for _, consumer in ipairs(redis.call('XINFO', 'CONSUMERS', keys[1], args[1])) do
    local fields = {}
    for i = 1, #consumer, 2 do fields[consumer[i]] = consumer[i + 1] end
    if fields['name'] ~= args[2] and fields['pending'] == 0 and fields['idle'] >= tonumber(args[3]) then
      redis.call('XGROUP', 'DELCONSUMER', keys[1], args[1], fields['name'])
      table.insert(removed, fields['name'])
    end
  end
  return removed
end

redis.register_function('shop_remove_idle_consumers', remove_idle_consumers)
