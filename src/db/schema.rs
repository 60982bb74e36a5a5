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
        org_review_fields -> Text,
        auto_publish_listings -> Bool,
        listing_validity_days -> Nullable<Integer>,
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
        deleted_at -> Nullable<Timestamp>,
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

diesel::table! {
    taxonomy_terms (scheme, version, code) {
        scheme -> Text,
        version -> Text,
        code -> Text,
        parent_code -> Nullable<Text>,
        level -> Integer,
        kind -> Nullable<Text>,
        name_vi -> Text,
        name_en -> Nullable<Text>,
        source -> Text,
        is_current -> Bool,
        position -> Integer,
    }
}

diesel::table! {
    organizations (id) {
        id -> Text,
        tenant_id -> Text,
        kind -> Text,
        intermediary_type -> Nullable<Text>,
        legal_name -> Text,
        name_en -> Nullable<Text>,
        short_name -> Nullable<Text>,
        search_name -> Text,
        tax_code -> Nullable<Text>,
        address -> Nullable<Text>,
        website -> Nullable<Text>,
        year_founded -> Nullable<Integer>,
        size_band -> Nullable<Text>,
        description_vi -> Nullable<Text>,
        description_en -> Nullable<Text>,
        host_institution -> Nullable<Text>,
        certificate_number -> Nullable<Text>,
        certificate_date -> Nullable<Date>,
        certificate_issuer -> Nullable<Text>,
        contact_name -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        contact_consent_version -> Nullable<Text>,
        contact_consent_at -> Nullable<Timestamp>,
        status -> Text,
        version -> Integer,
        decision_reason -> Nullable<Text>,
        field_comments -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        submitted_at -> Nullable<Timestamp>,
        decided_at -> Nullable<Timestamp>,
        approved_at -> Nullable<Timestamp>,
        first_approved_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    organization_fields (org_id, version, code) {
        org_id -> Text,
        version -> Text,
        code -> Text,
    }
}

diesel::table! {
    organization_tags (org_id, version, code) {
        org_id -> Text,
        version -> Text,
        code -> Text,
    }
}

diesel::table! {
    organization_members (org_id, user_id) {
        org_id -> Text,
        user_id -> Text,
        role -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    organization_invitations (id) {
        id -> Text,
        org_id -> Text,
        email -> Text,
        role -> Text,
        token_hash -> Text,
        invited_by -> Text,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        accepted_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    listings (id) {
        id -> Text,
        org_id -> Text,
        tenant_id -> Text,
        kind -> Text,
        status -> Text,
        version -> Integer,
        title_vi -> Text,
        title_en -> Nullable<Text>,
        summary -> Nullable<Text>,
        description -> Nullable<Text>,
        keywords -> Text,
        vsic_section -> Nullable<Text>,
        vsic_version -> Nullable<Text>,
        vsic_code -> Nullable<Text>,
        trl -> Nullable<Integer>,
        price_vnd -> Nullable<BigInt>,
        price_negotiable -> Bool,
        budget_min_vnd -> Nullable<BigInt>,
        budget_max_vnd -> Nullable<BigInt>,
        ip_status -> Nullable<Text>,
        patent_number -> Nullable<Text>,
        location_tenant_id -> Text,
        deadline -> Nullable<Date>,
        valid_until -> Nullable<Date>,
        confidential_details -> Nullable<Text>,
        decision_reason -> Nullable<Text>,
        field_comments -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        submitted_at -> Nullable<Timestamp>,
        decided_at -> Nullable<Timestamp>,
        published_at -> Nullable<Timestamp>,
        expires_at -> Nullable<Timestamp>,
        reminder_sent_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    listing_fields (listing_id, version, code) {
        listing_id -> Text,
        version -> Text,
        code -> Text,
    }
}

diesel::table! {
    listing_tags (listing_id, version, code) {
        listing_id -> Text,
        version -> Text,
        code -> Text,
    }
}

diesel::table! {
    listing_modes (listing_id, version, code) {
        listing_id -> Text,
        version -> Text,
        code -> Text,
    }
}

diesel::table! {
    matches (id) {
        id -> Text,
        offer_id -> Nullable<Text>,
        need_id -> Nullable<Text>,
        offer_org_id -> Text,
        need_org_id -> Text,
        offer_tenant_id -> Text,
        need_tenant_id -> Text,
        state -> Text,
        score -> Double,
        score_parts -> Text,
        origin -> Text,
        proposed_by -> Nullable<Text>,
        note -> Nullable<Text>,
        offer_response -> Nullable<Text>,
        offer_reason_code -> Nullable<Text>,
        offer_reason_text -> Nullable<Text>,
        offer_responded_by -> Nullable<Text>,
        offer_responded_at -> Nullable<Timestamp>,
        need_response -> Nullable<Text>,
        need_reason_code -> Nullable<Text>,
        need_reason_text -> Nullable<Text>,
        need_responded_by -> Nullable<Text>,
        need_responded_at -> Nullable<Timestamp>,
        deal_value_vnd -> Nullable<BigInt>,
        deal_date -> Nullable<Date>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        connected_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        requester_org_id -> Nullable<Text>,
        requested_by -> Nullable<Text>,
        request_listing_id -> Nullable<Text>,
        request_purpose -> Nullable<Text>,
        request_timing -> Nullable<Text>,
        request_terms -> Nullable<Text>,
        stop_reason_code -> Nullable<Text>,
        stop_reason_text -> Nullable<Text>,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        user_id -> Text,
        kind -> Text,
        title -> Text,
        body -> Text,
        link -> Nullable<Text>,
        entity_type -> Nullable<Text>,
        entity_id -> Nullable<Text>,
        tenant_id -> Nullable<Text>,
        email_state -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
        digested_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notification_preferences (user_id, kind) {
        user_id -> Text,
        kind -> Text,
        mode -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    saved_searches (id) {
        id -> Text,
        user_id -> Text,
        name -> Text,
        query -> Text,
        frequency -> Text,
        checked_until -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    saved_search_hits (saved_search_id, listing_id) {
        saved_search_id -> Text,
        listing_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tenant_targets (tenant_id, indicator) {
        tenant_id -> Text,
        indicator -> Text,
        value -> BigInt,
        year -> Integer,
        updated_by -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    weekly_summaries (tenant_id, week_start) {
        tenant_id -> Text,
        week_start -> Date,
        recipients -> Integer,
        sent_at -> Timestamp,
    }
}

diesel::table! {
    vocabulary_terms (version, group_id, term) {
        version -> Text,
        group_id -> Text,
        term -> Text,
        lang -> Text,
        region -> Text,
        kind -> Text,
        note -> Nullable<Text>,
        ambiguous -> Bool,
        is_current -> Bool,
        position -> Integer,
    }
}

diesel::joinable!(notifications -> users (user_id));
diesel::joinable!(consents -> users (user_id));
diesel::joinable!(saved_search_hits -> saved_searches (saved_search_id));
diesel::joinable!(listings -> organizations (org_id));
diesel::joinable!(listing_fields -> listings (listing_id));
diesel::joinable!(listing_tags -> listings (listing_id));
diesel::joinable!(listing_modes -> listings (listing_id));
diesel::joinable!(user_tokens -> users (user_id));
diesel::joinable!(organizations -> tenants (tenant_id));
diesel::joinable!(organization_fields -> organizations (org_id));
diesel::joinable!(organization_tags -> organizations (org_id));
diesel::joinable!(organization_members -> organizations (org_id));
diesel::joinable!(organization_members -> users (user_id));
diesel::joinable!(organization_invitations -> organizations (org_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(tenant_roles -> users (user_id));
diesel::joinable!(tenant_roles -> tenants (tenant_id));

diesel::table! {
    consents (id) {
        id -> Text,
        user_id -> Text,
        purpose -> Text,
        notice_version -> Text,
        granted_at -> Timestamp,
        withdrawn_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    private_reads (id) {
        id -> Text,
        reader_id -> Text,
        org_id -> Text,
        what -> Text,
        read_at -> Timestamp,
    }
}

diesel::table! {
    review_snapshots (entity_type, entity_id) {
        entity_type -> Text,
        entity_id -> Text,
        version -> Integer,
        decision -> Text,
        fields -> Text,
        decided_by -> Nullable<Text>,
        decided_at -> Timestamp,
    }
}

diesel::table! {
    schedule_leases (name) {
        name -> Text,
        holder -> Text,
        held_until -> Timestamp,
    }
}

diesel::table! {
    index_changes (seq) {
        seq -> BigInt,
        listing_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    index_positions (name) {
        name -> Text,
        position -> BigInt,
    }
}

diesel::table! {
    certificate_events (id) {
        id -> Text,
        org_id -> Text,
        obligation -> Text,
        due_on -> Date,
        done_on -> Date,
        recorded_by -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    certificate_reminders (org_id, obligation, due_on, lead_days) {
        org_id -> Text,
        obligation -> Text,
        due_on -> Date,
        lead_days -> Integer,
        sent_at -> Timestamp,
    }
}

diesel::table! {
    certificate_standings (org_id) {
        org_id -> Text,
        status -> Text,
        reason -> Text,
        decided_on -> Date,
        decided_by -> Text,
        decided_at -> Timestamp,
    }
}

diesel::table! {
    startup_recognitions (org_id) {
        org_id -> Text,
        number -> Text,
        recognized_on -> Date,
        recorded_by -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    deal_records (match_id) {
        match_id -> Text,
        status -> Text,
        recorded_by -> Text,
        recorded_side -> Nullable<Text>,
        objects -> Text,
        rights -> Text,
        modes -> Text,
        ip_assets -> Text,
        ip_asset_count -> Integer,
        value_vnd -> Nullable<BigInt>,
        foreign_currency -> Nullable<Text>,
        foreign_amount -> Nullable<Text>,
        signed_on -> Nullable<Date>,
        duration_months -> Nullable<Integer>,
        origin -> Nullable<Text>,
        origin_country -> Nullable<Text>,
        registration_number -> Nullable<Text>,
        registration_date -> Nullable<Date>,
        offer_publishes_value -> Nullable<Bool>,
        need_publishes_value -> Nullable<Bool>,
        confirmed_by -> Nullable<Text>,
        confirmed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    certificate_feeds (tenant_id) {
        tenant_id -> Text,
        secret_hash -> Text,
        renewed_by -> Text,
        renewed_at -> Timestamp,
    }
}

diesel::joinable!(certificate_events -> organizations (org_id));
diesel::joinable!(certificate_standings -> organizations (org_id));
diesel::joinable!(startup_recognitions -> organizations (org_id));

diesel::table! {
    match_follow_ups (match_id, side, milestone) {
        match_id -> Text,
        side -> Text,
        milestone -> Integer,
        sent_at -> Timestamp,
        answer -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(deal_records -> matches (match_id));
diesel::joinable!(match_follow_ups -> matches (match_id));

diesel::allow_tables_to_appear_in_same_query!(
    tenants,
    users,
    user_tokens,
    refresh_tokens,
    tenant_roles,
    jobs,
    sent_emails,
    audit_log,
    taxonomy_terms,
    deal_records,
    match_follow_ups,
    organizations,
    organization_fields,
    organization_tags,
    organization_members,
    organization_invitations,
    listings,
    listing_fields,
    listing_tags,
    listing_modes,
    matches,
    notifications,
    notification_preferences,
    saved_searches,
    saved_search_hits,
    tenant_targets,
    weekly_summaries,
    consents,
    private_reads,
    review_snapshots,
    vocabulary_terms,
    certificate_events,
    certificate_reminders,
    certificate_standings,
    startup_recognitions,
    certificate_feeds,
);

// The figures count listings by code and kind.
diesel::allow_columns_to_appear_in_same_group_by_clause!(
    listing_fields::code,
    listing_fields::version,
    listing_tags::code,
    listing_tags::version,
    listings::kind,
);
