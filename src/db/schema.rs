//! Tables, written by hand in the types both backends share: ids and JSON as text, times
//! as naive UTC timestamps.

diesel::table! {
    tenants (id) {
        id -> Text,
        name_vi -> Text,
        full_name_vi -> Text,
        kind -> Text,
        slug -> Text,
        merged_from -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        password_hash -> Text,
        full_name -> Text,
        language -> Text,
        email_verified_at -> Nullable<Timestamp>,
        is_platform_admin -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    user_tokens (id) {
        id -> Text,
        user_id -> Text,
        purpose -> Text,
        token_hash -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        user_id -> Text,
        family_id -> Text,
        token_hash -> Text,
        expires_at -> Timestamp,
        rotated_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tenant_roles (user_id, tenant_id, role) {
        user_id -> Text,
        tenant_id -> Text,
        role -> Text,
        granted_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    jobs (id) {
        id -> BigInt,
        kind -> Text,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        max_attempts -> Integer,
        run_at -> Timestamp,
        locked_by -> Nullable<Text>,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        ordering_key -> Nullable<Text>,
        dedupe_key -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sent_emails (message_key) {
        message_key -> Text,
        recipient -> Text,
        subject -> Text,
        message_id -> Text,
        sent_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        tenant_id -> Nullable<Text>,
        actor_id -> Nullable<Text>,
        entity_type -> Text,
        entity_id -> Text,
        action -> Text,
        from_state -> Nullable<Text>,
        to_state -> Nullable<Text>,
        reason -> Nullable<Text>,
        details -> Nullable<Text>,
        client_ip -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(user_tokens -> users (user_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(tenant_roles -> users (user_id));
diesel::joinable!(tenant_roles -> tenants (tenant_id));

diesel::allow_tables_to_appear_in_same_query!(
    tenants,
    users,
    user_tokens,
    refresh_tokens,
    tenant_roles,
    jobs,
    sent_emails,
    audit_log,
);
